package io.mixfarm.analysis.mixing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark runs and prints its tables (a few replications: its numbers are docs/intervals.md's business). */
class MixingBenchmarkTest {

    @Test
    void printsEveryTableOfTheDocs() {
        PrintStream out = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            MixingBenchmark.main(new String[] {"replications=4", "curves=2", "intervals=1", "resamples=5"});
        } finally {
            System.setOut(out);
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        for (String heading : List.of("### Null calibration", "### Interval coverage on paired data",
                "### T_mix on known relaxations", "### T_mix bootstrap interval", "### Norm clock",
                "| paired (within-pair swaps) | 0.5 |", "| 500 |", "Norm-clock slope b")) {
            assertTrue(text.contains(heading), heading + " missing from\n" + text);
        }
    }
}
