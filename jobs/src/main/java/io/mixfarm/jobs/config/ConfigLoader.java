package io.mixfarm.jobs.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigSyntax;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Layers the config sources, last wins: {@code defaults.conf}, the experiment file, the overrides; then resolves
 * substitutions and hands the result to {@link ConfigBinder}. Every failure becomes one {@link ConfigException}
 * line that starts with the file name when there is a file.
 */
final class ConfigLoader {

    /** The defaults, a resource next to {@link ExperimentConfig}. */
    static final String DEFAULTS = "defaults.conf";

    /** Names a config read from a string in typesafe's own messages, which {@link #syntaxError} strips. */
    private static final String STRING_ORIGIN = "config";

    private ConfigLoader() {
    }

    static ExperimentConfig load(Path file, List<String> overrides) {
        if (file == null) {
            return bind(ConfigFactory.empty(), null, overrides);
        }
        String source = file.toString();
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(source + ": " + (Files.exists(file) ? "not a regular file" : "no such file"));
        }
        Config user;
        try {
            // CONF whatever the extension: HOCON reads JSON too, and a typo in ".conf" should not change the syntax.
            user = ConfigFactory.parseFile(file.toFile(), options().setSyntax(ConfigSyntax.CONF));
        } catch (com.typesafe.config.ConfigException e) {
            throw syntaxError(e, source);
        }
        return bind(user, source, overrides);
    }

    static ExperimentConfig parse(String hocon, List<String> overrides) {
        Config user;
        try {
            user = ConfigFactory.parseString(hocon, options().setSyntax(ConfigSyntax.CONF)
                    .setOriginDescription(STRING_ORIGIN));
        } catch (com.typesafe.config.ConfigException e) {
            throw syntaxError(e, null);
        }
        return bind(user, null, overrides);
    }

    private static ExperimentConfig bind(Config user, String source, List<String> overrides) {
        Config merged = user.withFallback(defaults());
        try {
            for (String override : overrides == null ? List.<String>of() : overrides) {
                merged = Overrides.parse(override).withFallback(merged);
            }
        } catch (ConfigException e) {
            throw e.in(source);
        }
        Config resolved = resolve(merged, source);
        try {
            return ConfigBinder.bind(resolved.root());
        } catch (ConfigException e) {
            throw e.in(source);
        }
    }

    /** The experiment's defaults: {@code defaults.conf} without the block of {@code mixfarm trial}'s own. */
    private static Config defaults() {
        return allDefaults().withoutPath(TrialDefaults.BLOCK);
    }

    /** Everything {@code defaults.conf} holds. */
    static Config allDefaults() {
        try {
            return ConfigFactory.parseResources(ExperimentConfig.class, DEFAULTS, options());
        } catch (com.typesafe.config.ConfigException e) {
            // Only a broken build gets here; say which resource, with typesafe's message.
            throw new IllegalStateException("cannot read " + DEFAULTS + ": " + e.getMessage(), e);
        }
    }

    private static Config resolve(Config merged, String source) {
        try {
            // No environment variables: a config must mean the same on every machine of a cluster, and the
            // rendered config, not the environment, is what a rerun reads. ${experiment.epochs} still works.
            return merged.resolve(ConfigResolveOptions.defaults().setUseSystemEnvironment(false));
        } catch (com.typesafe.config.ConfigException.UnresolvedSubstitution e) {
            throw syntaxError(e, source, " (environment variables are not read)");
        } catch (com.typesafe.config.ConfigException e) {
            throw syntaxError(e, source);
        }
    }

    private static ConfigParseOptions options() {
        return ConfigParseOptions.defaults().setAllowMissing(false);
    }

    private static ConfigException syntaxError(com.typesafe.config.ConfigException e, String source) {
        return syntaxError(e, source, "");
    }

    /**
     * {@code file: line N: problem}: typesafe's message, which starts with its own origin description, rewritten
     * so that every config error starts with the file name. A problem in an included file names that file next.
     */
    private static ConfigException syntaxError(com.typesafe.config.ConfigException e, String source, String hint) {
        String message = e.getMessage();
        ConfigOrigin origin = e.origin();
        StringBuilder line = new StringBuilder(source == null ? "" : source + ": ");
        if (origin != null) {
            String prefix = origin.description() + ": ";
            if (message.startsWith(prefix)) {
                message = message.substring(prefix.length());
            }
            String file = origin.filename();
            if (file != null && !file.equals(source)) {
                line.append("in ").append(file).append(": ");
            }
            if (origin.lineNumber() > 0) {
                line.append("line ").append(origin.lineNumber()).append(": ");
            }
        }
        return new ConfigException(line.append(message).append(hint).toString(), e);
    }
}
