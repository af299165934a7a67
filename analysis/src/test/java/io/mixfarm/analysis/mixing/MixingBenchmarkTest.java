package io.mixfarm.analysis.mixing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark runs and prints its tables (a few replications: its numbers are docs/intervals.md's business). */
class MixingBenchmarkTest {

    private static String run(String... args) {
        PrintStream out = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            MixingBenchmark.main(args);
        } finally {
            System.setOut(out);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void printsEveryTableOfTheDocs() {
        String text = run("replications=4", "curves=2", "intervals=1", "resamples=5", "population=50");
        for (String heading : List.of("### Null calibration", "### Interval coverage on paired data",
                "### T_mix on known relaxations", "### T_mix bootstrap interval", "### Norm clock",
                "| paired (within-pair swaps) | 0.5 |", "| 500 |", "Norm-clock slope b")) {
            assertTrue(text.contains(heading), heading + " missing from\n" + text);
        }
    }

    @Test
    void runsTheNormSectionAlone() {
        String text = run("curves=2", "resamples=5", "population=50", "norm-pairs=8", "parts=norms");
        assertTrue(text.contains("### Norm clock") && text.contains("studies of 8 pairs")
                && text.contains("Norm-clock slope b"), text);
        assertFalse(text.contains("### Null calibration"), text);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run("parts=tv"));
        assertEquals("parts must be all or norms, got tv", e.getMessage());
    }
}
