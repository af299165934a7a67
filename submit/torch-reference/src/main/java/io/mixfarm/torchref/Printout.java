package io.mixfarm.torchref;

import io.mixfarm.core.bench.SystemLoad;

import java.io.PrintStream;
import java.util.Locale;

/**
 * How the reference's benchmarks print: one {@code name=value} line per figure, in the root locale, headed and ended
 * by the machine's load.
 */
final class Printout {

    private final PrintStream out;

    Printout(PrintStream out) {
        this.out = out;
    }

    /** {@code load_1m_start}, before the first timed figure. */
    void loadAtStart() {
        figure("load_1m_start", SystemLoad.oneMinute(), 2);
    }

    /** {@code load_1m_end}, after the last. */
    void loadAtEnd() {
        figure("load_1m_end", SystemLoad.oneMinute(), 2);
    }

    void text(String name, String value) {
        out.println(name + "=" + value);
    }

    void figure(String name, long value) {
        out.printf(Locale.ROOT, "%s=%d%n", name, value);
    }

    void figure(String name, double value, int decimals) {
        out.printf(Locale.ROOT, "%s=%." + decimals + "f%n", name, value);
    }

    /** A figure with a comment after it, e.g. the layer where a per-layer maximum is. */
    void figure(String name, double value, int decimals, String comment) {
        out.printf(Locale.ROOT, "%s=%." + decimals + "f  # %s%n", name, value, comment);
    }

    /** A line that is not a figure, e.g. a table row. */
    void line(String text) {
        out.println(text);
    }
}
