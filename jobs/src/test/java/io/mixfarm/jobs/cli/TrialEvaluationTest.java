package io.mixfarm.jobs.cli;

import io.mixfarm.jobs.farm.TinyFarm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code mixfarm trial --bn-eval}: a new trial evaluates with BN's running averages by default and with recomputed
 * statistics when asked; training is the same either way, so only the test columns of its table differ.
 */
class TrialEvaluationTest {

    @TempDir
    static Path dir;
    private static String data;

    /** Columns of {@link MetricsTable}'s rows that training alone decides, and the test ones. */
    private static final List<Integer> TRAINING = List.of(0, 1, 2, 3, 4, 7, 8);
    private static final List<Integer> TEST = List.of(5, 6);

    @BeforeAll
    static void slice() {
        Path folder = dir.resolve("data");
        TinyFarm.writeSlice(folder);
        data = "mnist:" + folder;
    }

    /** Runs {@code mixfarm trial} in this JVM; returns what it printed. */
    private static List<String> trial(String... extra) {
        List<String> args = new ArrayList<>(List.of("trial", "--data", data, "--width", "2", "--epochs", "2",
                "--batch-size", "64", "--seed", "5", "--schedule", "1: lr=0.1 wd=0.01"));
        args.addAll(List.of(extra));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Mixfarm.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        assertEquals(0, cli.execute(args.toArray(String[]::new)), out + "\n" + err);
        return out.toString().lines().toList();
    }

    /** The table's rows, one per epoch, split into columns. */
    private static List<String[]> rows(List<String> lines) {
        return lines.stream().filter(line -> line.matches("\\s+\\d+\\s.*")).map(line -> line.strip().split("\\s+"))
                .toList();
    }

    @Test
    void recomputedStatisticsChangeTheTestMetricsAndNotTraining() {
        List<String> running = trial();
        List<String> recomputed = trial("--bn-eval", "recomputed", "--bn-eval-batches", "4");
        assertTrue(running.contains("test evaluation: bn-eval running"), running.toString());
        assertTrue(recomputed.contains("test evaluation: bn-eval recomputed (BN statistics from 4 training batches)"),
                recomputed.toString());

        List<String[]> a = rows(running);
        List<String[]> b = rows(recomputed);
        assertEquals(2, a.size(), running.toString());
        assertEquals(2, b.size(), recomputed.toString());
        for (int epoch = 0; epoch < 2; epoch++) {
            for (int column : TRAINING) {
                assertEquals(a.get(epoch)[column], b.get(epoch)[column], "training column " + column + ", epoch "
                        + (epoch + 1));
            }
            String[] x = a.get(epoch);
            String[] y = b.get(epoch);
            assertNotEquals(List.of(x[TEST.get(0)], x[TEST.get(1)]), List.of(y[TEST.get(0)], y[TEST.get(1)]),
                    "test loss and error, epoch " + (epoch + 1));
        }
    }

    @Test
    void aRerunTakesItsEvaluationFromTheFarmAndRefusesTheOption() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Mixfarm.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        assertEquals(2, cli.execute("trial", "--from", dir.resolve("none").toString(), "--trial", "R/0", "--bn-eval",
                "recomputed"));
        assertEquals(List.of("mixfarm: --bn-eval goes without --from: a rerun evaluates as the farm's recorded config "
                + "says"), err.toString().lines().toList());
        assertEquals("", out.toString());
    }
}
