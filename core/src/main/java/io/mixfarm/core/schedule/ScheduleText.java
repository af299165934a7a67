package io.mixfarm.core.schedule;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads and writes the compact text form of a schedule, e.g.
 * {@code 1: lr=0.4 wd=0.1; 41: lr=0.2; 81: lr=0.1; 121: lr=0.01 wd=0} or, with momentum,
 * {@code 1: lr=0.1 wd=5e-4 momentum=0.9; 81: lr=0.01}.
 *
 * <p>{@link Schedule#parse(String, String)} documents the grammar. Every error is an
 * {@link IllegalArgumentException} with one line that names the schedule, the phase (number
 * and text) and what was expected, because these strings come from command lines and config
 * files where a stack trace is no help.
 */
final class ScheduleText {

    /** The shape of one phase, quoted in error messages. */
    static final String PHASE_FORM = "\"EPOCH: lr=.. wd=..\"";

    private static final Pattern DIGITS = Pattern.compile("\\d+");
    /** Spaces around '=' are allowed, so they are removed before splitting settings. */
    private static final Pattern SPACED_EQUALS = Pattern.compile("\\s*=\\s*");
    private static final Pattern SETTING_SEPARATOR = Pattern.compile("[\\s,]+");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private ScheduleText() {
    }

    static Schedule parse(String name, String text) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(text, "text");
        if (name.isBlank()) {
            throw new IllegalArgumentException("schedule name must not be blank");
        }
        String schedule = "schedule \"" + oneLine(name) + "\": ";
        if (text.isBlank()) {
            throw new IllegalArgumentException(schedule + "empty text; expected " + PHASE_FORM
                    + " phases separated by ';'");
        }
        List<String> parts = new ArrayList<>(Arrays.asList(text.split(";", -1)));
        // A trailing ';' is harmless and easy to type when phases are listed one per line.
        if (parts.size() > 1 && parts.get(parts.size() - 1).isBlank()) {
            parts.remove(parts.size() - 1);
        }

        List<Phase> phases = new ArrayList<>(parts.size());
        for (int i = 0; i < parts.size(); i++) {
            String part = parts.get(i);
            if (part.isBlank()) {
                throw new IllegalArgumentException(schedule + "phase " + (i + 1)
                        + " is empty; expected " + PHASE_FORM);
            }
            String where = schedule + "phase " + (i + 1) + " \"" + oneLine(part) + "\": ";
            Phase previous = i == 0 ? null : phases.get(i - 1);
            phases.add(parsePhase(where, part, previous));
        }
        return new Schedule(name, phases);
    }

    /** Parses one phase; {@code previous} is null for the first phase and supplies omitted values. */
    private static Phase parsePhase(String where, String part, Phase previous) {
        int colon = part.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException(where + "expected " + PHASE_FORM);
        }
        int epoch = parseEpoch(where, part.substring(0, colon).strip());
        if (previous == null && epoch != 1) {
            throw new IllegalArgumentException(where
                    + "the first phase must start at epoch 1, got " + epoch);
        }
        if (previous != null && epoch <= previous.firstEpoch()) {
            throw new IllegalArgumentException(where + "epoch " + epoch
                    + " is not after the previous phase's epoch " + previous.firstEpoch()
                    + "; epochs must strictly increase");
        }

        String body = SPACED_EQUALS.matcher(part.substring(colon + 1)).replaceAll("=").strip();
        if (body.isEmpty()) {
            throw new IllegalArgumentException(where + "no settings; expected " + PHASE_FORM);
        }
        Double lr = null;
        Double wd = null;
        Double momentum = null;
        for (String setting : SETTING_SEPARATOR.split(body)) {
            int equals = setting.indexOf('=');
            if (setting.indexOf(':') >= 0) {
                throw new IllegalArgumentException(where + "\"" + setting
                        + "\" looks like the start of another phase; missing ';'?");
            }
            if (equals <= 0) {
                throw new IllegalArgumentException(where + "setting \"" + setting
                        + "\" is not KEY=VALUE; expected lr=.., wd=.. or momentum=..");
            }
            String key = setting.substring(0, equals);
            double value = parseNumber(where, key, setting.substring(equals + 1));
            switch (key.toLowerCase(Locale.ROOT)) {
                case "lr" -> {
                    if (lr != null) {
                        throw new IllegalArgumentException(where + "lr given twice");
                    }
                    lr = value;
                }
                case "wd" -> {
                    if (wd != null) {
                        throw new IllegalArgumentException(where + "wd given twice");
                    }
                    wd = value;
                }
                case "momentum" -> {
                    if (momentum != null) {
                        throw new IllegalArgumentException(where + "momentum given twice");
                    }
                    momentum = value;
                }
                default -> throw new IllegalArgumentException(where + "unknown key \"" + key
                        + "\"; expected lr, wd or momentum");
            }
        }

        if (previous == null && (lr == null || wd == null)) {
            throw new IllegalArgumentException(where + "the first phase must set "
                    + (lr == null ? "lr" : "wd")
                    + " (only later phases may omit a value to keep the previous one)");
        }
        try {
            // Momentum may be left out of the first phase too: plain SGD unless a phase says otherwise.
            return new Phase(epoch,
                    lr != null ? lr : previous.lr(),
                    wd != null ? wd : previous.wd(),
                    momentum != null ? momentum : previous == null ? 0.0 : previous.momentum());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + e.getMessage(), e);
        }
    }

    private static int parseEpoch(String where, String text) {
        // Only plain digits: Integer.parseInt would also take "+41", which nobody means to write.
        if (!DIGITS.matcher(text).matches()) {
            throw new IllegalArgumentException(where + "epoch \"" + text
                    + "\" is not a whole number; expected " + PHASE_FORM);
        }
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + "epoch " + text + " is too large", e);
        }
    }

    private static double parseNumber(String where, String key, String text) {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + key + " \"" + text
                    + "\" is not a number", e);
        }
    }

    /**
     * Every value of every phase, so that no phase depends on the previous one; momentum only if some phase has
     * it, so that a plain-SGD schedule's text (and the name derived from it) is what it was before momentum existed.
     */
    static String format(List<Phase> phases) {
        boolean momentum = phases.stream().anyMatch(p -> p.momentum() > 0);
        return phases.stream()
                .map(p -> p.firstEpoch() + ": lr=" + number(p.lr()) + " wd=" + number(p.wd())
                        + (momentum ? " momentum=" + number(p.momentum()) : ""))
                .collect(Collectors.joining("; "));
    }

    /**
     * Formats a double so that {@link Double#parseDouble} gives back exactly the same value:
     * whole numbers without the ".0" (so a zero weight decay reads {@code wd=0}), everything else
     * with {@link Double#toString}, whose output is specified to round-trip.
     */
    static String number(double value) {
        // Below 2^53 every whole double is exactly a long, so the long's digits are exact too.
        if (value == Math.rint(value) && Math.abs(value) < 0x1p53) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
    }

    /** Collapses whitespace so that a quoted excerpt of multi-line input keeps the message on one line. */
    private static String oneLine(String text) {
        return WHITESPACE.matcher(text.strip()).replaceAll(" ");
    }
}
