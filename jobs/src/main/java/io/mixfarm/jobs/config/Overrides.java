package io.mixfarm.jobs.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;

import java.util.Objects;

/**
 * Reads one {@code key=value} override ({@code --set} semantics): the key relative to {@code experiment.}
 * (a leading {@code experiment.} is accepted too), the value in HOCON.
 */
final class Overrides {

    /** Starts the origin description of every override value, so errors can say where a bad value came from. */
    static final String ORIGIN_PREFIX = "override ";

    /** Typesafe's name for the value while parsing it. */
    private static final String PARSE_ORIGIN = "value";

    private Overrides() {
    }

    /**
     * The override as a config holding just its key.
     *
     * <p>An unquoted string value is taken literally rather than as HOCON: there {@code //} starts a comment, so
     * {@code output=hdfs://nn/runs} would silently become {@code hdfs:}. Quote a value to get HOCON's reading.
     *
     * @throws ConfigException naming the override if it is not {@code key=value} or its value is malformed
     */
    static Config parse(String override) {
        Objects.requireNonNull(override, "override");
        String where = ORIGIN_PREFIX + "\"" + override + "\": ";
        int equals = override.indexOf('=');
        if (equals <= 0) {
            throw new ConfigException(where + "expected KEY=VALUE, e.g. trials=3 or model.width=8");
        }
        String key = override.substring(0, equals).strip();
        String prefix = Keys.EXPERIMENT + ".";
        if (key.startsWith(prefix)) {
            key = key.substring(prefix.length());
        }
        String path = prefix + key;
        try {
            ConfigUtil.splitPath(path);
        } catch (com.typesafe.config.ConfigException e) {
            throw new ConfigException(where + "\"" + key + "\" is not a config key path such as model.width", e);
        }
        Object value = value(override.substring(equals + 1).strip(), where);
        return ConfigValueFactory.fromAnyRef(value, ORIGIN_PREFIX + "\"" + override + "\"").atPath(path);
    }

    /** The value as plain Java (String, Number, Boolean, List, Map or null). */
    private static Object value(String text, String where) {
        boolean structured = text.startsWith("[") || text.startsWith("{") || text.startsWith("\"");
        ConfigObject parsed;
        try {
            parsed = ConfigFactory.parseString("v = " + text, ConfigParseOptions.defaults()
                    .setOriginDescription(PARSE_ORIGIN)).root();
        } catch (com.typesafe.config.ConfigException e) {
            if (structured) {
                // Typesafe's message starts with "value: 1: "; the override is named in front already.
                String message = e.getMessage().replaceFirst("^" + PARSE_ORIGIN + ": \\d+: ", "");
                throw new ConfigException(where + "malformed value: " + message, e);
            }
            return text;
        }
        if (parsed.size() != 1) {
            // "v = 1, x = 2" parses as two keys; one override sets one key.
            throw new ConfigException(where + "the value must be a single HOCON value");
        }
        ConfigValue value = parsed.get("v");
        try {
            if (value.valueType() == ConfigValueType.STRING && !structured) {
                return text;
            }
            return value.unwrapped();
        } catch (com.typesafe.config.ConfigException e) {
            throw new ConfigException(where + "substitutions such as ${...} are not supported in overrides", e);
        }
    }
}
