package io.mixfarm.jobs.bench;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Prints benchmark figures one per line as {@code name=value}, so that a shell, awk or a spreadsheet reads them
 * without a parser; numbers in a fixed locale, so a decimal point is always a point.
 */
final class Figures {

    private final PrintWriter out;

    Figures(PrintWriter out) {
        this.out = out;
    }

    void add(String name, long value) {
        out.printf(Locale.ROOT, "%s=%d%n", name, value);
    }

    /** A measured or derived quantity with {@code decimals} digits after the point. */
    void add(String name, double value, int decimals) {
        out.printf(Locale.ROOT, "%s=%." + decimals + "f%n", name, value);
    }

    void flush() {
        out.flush();
    }
}
