package io.mixfarm.core.bench;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CpuPeakTest {

    /** The sentence of docs/performance.md's "fp32 peak" row that states the default. */
    private static final Pattern DOCUMENTED_DEFAULT =
            Pattern.compile("default to the measured \\*\\*([0-9.]+) GFLOP/s per core\\*\\*");

    @Test
    void theDefaultPeakIsTheOneDocsPerformanceMdMeasured() throws IOException {
        // Tests run in the module's folder; the docs are at the repository's root.
        String performance = Files.readString(Path.of("..", "docs", "performance.md"));
        String row = performance.lines().filter(line -> line.startsWith("| fp32 peak |")).findFirst()
                .orElseThrow(() -> new AssertionError("docs/performance.md has no \"| fp32 peak |\" row"));
        Matcher m = DOCUMENTED_DEFAULT.matcher(row);
        assertTrue(m.find(), "the fp32 peak row does not state the default: " + row);
        assertEquals(Double.parseDouble(m.group(1)), CpuPeak.DEVELOPMENT_MACHINE_GFLOPS_PER_CORE,
                "CpuPeak's default and docs/performance.md's measured peak disagree");
    }

    @Test
    void sharesArePerCore() {
        CpuPeak peak = new CpuPeak(100);
        assertEquals(200.0, peak.gflops(2));
        assertEquals(0.5, peak.share(50, 1));
        assertEquals(0.25, peak.share(50, 2));
    }

    @Test
    void rejectsAPeakThatIsNotAPositiveNumber() {
        for (double bad : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CpuPeak(bad));
            assertTrue(e.getMessage().startsWith("peak GFLOP/s per core must be a positive number"), e.getMessage());
        }
    }
}
