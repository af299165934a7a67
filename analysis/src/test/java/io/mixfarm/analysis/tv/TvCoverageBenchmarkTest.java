package io.mixfarm.analysis.tv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The benchmark runs and prints its tables (a few replications: its numbers are docs/intervals.md's business). */
class TvCoverageBenchmarkTest {

    @Test
    void printsCoverageOfEveryCandidateAndTheJobsInterval() {
        List<TvCoverageBenchmark.Cell> cells = List.of(
                TvCoverageBenchmark.run(TvCoverageBenchmark.Regime.SHARP, 10, 3, 20, 5),
                TvCoverageBenchmark.run(TvCoverageBenchmark.Regime.SAMPLE_MIXED, 10, 3, 20, 5));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TvCoverageBenchmark.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), cells, Map.of("n", "10"), 1);
        String table = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(table.contains("| interval | sharp n=10 | sample-mixed n=10 |"), table);
        for (String name : List.of("basic@200", "basic", "percentile", "bca", "studentised@200", "corrected", "mm-basic",
                "bracket-2folds", "bracket-5folds", "job")) {
            assertTrue(table.contains("\n| " + name + " | "), name + " missing from\n" + table);
        }
        assertTrue(table.contains("| true TV | 0.08"), table);
        assertTrue(table.contains("| 0.0000 |"), "the sample-mixed regime's true TV is 0\n" + table);
        for (TvCoverageBenchmark.Cell cell : cells) {
            String bracket = "bracket-" + TvBracket.FOLDS + "folds";
            assertArrayEquals(cell.misses().get(bracket), cell.misses().get("job"), "the job's interval is the bracket");
            assertEquals(cell.widths().get(bracket), cell.widths().get("job"), 1e-12);
        }
    }

    @Test
    void sampleDistributionsAreDistributionsOverTheSamplesTestImages() {
        TvCoverageBenchmark.SampleDistributions sample = TvCoverageBenchmark.SampleDistributions.load();
        assertEquals(List.of("Const", "LR-decay", "WD-decay"), sample.schedules());
        for (double[][] p : new double[][][] {sample.pooled(), sample.shrunk("Const"), sample.shrunk("WD-decay")}) {
            assertEquals(TvCoverageBenchmark.SampleDistributions.IMAGES, p.length);
            for (double[] image : p) {
                double sum = 0;
                for (double v : image) {
                    assertTrue(v >= 0);
                    sum += v;
                }
                assertEquals(1.0, sum, 1e-12);
            }
        }
        double apart = TotalVariation.ofDistributions(sample.shrunk("Const"), sample.shrunk("WD-decay"));
        assertTrue(apart > 0 && apart < 0.5, "the shrunk schedules differ a little: " + apart);
    }
}
