package io.mixfarm.jobs.config;

import io.mixfarm.core.schedule.Schedule;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes an {@link ExperimentConfig} as canonical JSON (which is HOCON): keys sorted, two-space indents, lists of
 * plain values on one line, a final newline.
 *
 * <p>Hand-written rather than typesafe's renderer because the output is hashed: its exact bytes must not change
 * with a library upgrade. Numbers: integers in decimal, doubles by {@link Double#toString(double)}, which reads back
 * exactly.
 */
final class ConfigRenderer {

    private static final String INDENT = "  ";

    private ConfigRenderer() {
    }

    static String render(ExperimentConfig config) {
        Map<String, Object> model = new TreeMap<>();
        model.put(Keys.ARCHITECTURE, config.model().architecture());
        model.put(Keys.WIDTH, config.model().width());
        model.put(Keys.BN_EPS, config.model().bnEps());

        List<Object> schedules = new ArrayList<>();
        for (Schedule schedule : config.schedules()) {
            if (ExperimentConfig.isPaperSchedule(schedule, config.epochs())) {
                schedules.add(schedule.name());
                continue;
            }
            Map<String, Object> custom = new TreeMap<>(Map.of(Keys.NAME, schedule.name(),
                    Keys.TEXT, schedule.toText()));
            // Only where there is one, so that configs without forks render (and hash) as before.
            config.forkOf(schedule.name()).ifPresent(fork ->
                    custom.put(Keys.FORK, Map.of(Keys.FROM, fork.parent(), Keys.AT, fork.at())));
            schedules.add(custom);
        }

        Map<String, Object> experiment = new TreeMap<>();
        experiment.put(Keys.NAME, config.name());
        experiment.put(Keys.DATA, config.data());
        experiment.put(Keys.NORMALISE, config.preprocessing().normalise().label());
        experiment.put(Keys.AUGMENT, config.preprocessing().augment().label());
        experiment.put(Keys.MODEL, model);
        experiment.put(Keys.BATCH_SIZE, config.batchSize());
        experiment.put(Keys.EPOCHS, config.epochs());
        experiment.put(Keys.RECORD_EPOCHS, config.recordEpochs());
        // The resolved record-epochs already contain every record-every-th epoch.
        experiment.put(Keys.RECORD_EVERY, 0);
        experiment.put(Keys.SCHEDULES, schedules);
        experiment.put(Keys.TRIALS, config.trials());
        experiment.put(Keys.SEED, config.seed());
        experiment.put(Keys.FIXED_INIT, config.fixedInit());
        experiment.put(Keys.OUTPUT, config.output());
        experiment.put(Keys.THREADS_PER_TRIAL, config.threadsPerTrial());

        StringBuilder out = new StringBuilder();
        write(out, Map.of(Keys.EXPERIMENT, experiment), "");
        return out.append('\n').toString();
    }

    private static void write(StringBuilder out, Object value, String indent) {
        if (value instanceof Map<?, ?> map) {
            writeObject(out, map, indent);
        } else if (value instanceof List<?> list) {
            writeList(out, list, indent);
        } else if (value instanceof String string) {
            writeString(out, string);
        } else if (value instanceof Integer || value instanceof Long || value instanceof Boolean) {
            out.append(value);
        } else if (value instanceof Double number && Double.isFinite(number)) {
            out.append(Double.toString(number));
        } else {
            throw new IllegalArgumentException("cannot render " + value);
        }
    }

    private static void writeObject(StringBuilder out, Map<?, ?> map, String indent) {
        if (map.isEmpty()) {
            out.append("{}");
            return;
        }
        String inner = indent + INDENT;
        out.append("{\n");
        // Sorted here too, so that no caller's map type can change the order.
        List<String> keys = map.keySet().stream().map(String.class::cast).sorted().toList();
        for (int i = 0; i < keys.size(); i++) {
            out.append(inner);
            writeString(out, keys.get(i));
            out.append(": ");
            write(out, map.get(keys.get(i)), inner);
            out.append(i < keys.size() - 1 ? ",\n" : "\n");
        }
        out.append(indent).append('}');
    }

    private static void writeList(StringBuilder out, List<?> list, String indent) {
        boolean plain = list.stream().noneMatch(e -> e instanceof Map || e instanceof List);
        if (plain) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                write(out, list.get(i), indent);
                out.append(i < list.size() - 1 ? ", " : "");
            }
            out.append(']');
            return;
        }
        String inner = indent + INDENT;
        out.append("[\n");
        for (int i = 0; i < list.size(); i++) {
            out.append(inner);
            write(out, list.get(i), inner);
            out.append(i < list.size() - 1 ? ",\n" : "\n");
        }
        out.append(indent).append(']');
    }

    /** A JSON string literal: quotes, backslashes and control characters escaped, everything else as is. */
    private static void writeString(StringBuilder out, String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
