package io.mixfarm.jobs.config;

import java.util.regex.Pattern;

/**
 * The one rule for what may name a schedule, used by the config (so a bad name fails before anything trains), by
 * {@link TrialKey} and by the store's folder layout alike.
 *
 * <p>A schedule name becomes a Hive partition value ({@code schedule=LR-decay}) and a path segment. So it must need
 * no escaping in Spark or DuckDB (no '/', '=', spaces or '%'), must not start with {@code .} or {@code _} (readers
 * skip such files as hidden), and starts with a letter, so that neither reader infers a number or a date from the
 * folder name ({@code 1e5}, {@code 2024-01-01}).
 */
public final class ScheduleName {

    private static final Pattern RULE = Pattern.compile("[A-Za-z][A-Za-z0-9._-]*");

    private ScheduleName() {
    }

    /**
     * Why {@code name} cannot name a schedule, as one line, or {@code null} if it can.
     *
     * @param name a proposed schedule name (null is a problem too)
     * @return the problem, or null
     */
    public static String problem(String name) {
        if (name == null || !RULE.matcher(name).matches()) {
            return "schedule name " + (name == null ? "null" : "\"" + name + "\"") + " must start with a letter,"
                    + " then only letters, digits, '.', '_' or '-' (it becomes a Hive partition value and a folder"
                    + " name)";
        }
        return null;
    }
}
