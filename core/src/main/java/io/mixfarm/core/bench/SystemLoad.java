package io.mixfarm.core.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The machine's 1-minute load average, printed with every benchmark figure: on shared cores a number means little
 * without the load it was measured under.
 */
public final class SystemLoad {

    private static final Path LOADAVG = Path.of("/proc/loadavg");

    private SystemLoad() {
    }

    /** The 1-minute load average, or NaN where the system does not publish it. */
    public static double oneMinute() {
        try {
            return parse(Files.readString(LOADAVG));
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** The first field of a /proc/loadavg line. */
    static double parse(String loadavg) {
        return Double.parseDouble(loadavg.trim().split("\\s+")[0]);
    }
}
