package io.mixfarm.jobs.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line's contract: plans are printed without training, bad input is one line and exit status 2. */
class RunCommandTest {

    @TempDir
    Path tmp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = Mixfarm.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void aDryRunOfTheReadmeConfigPrintsItsPlanAndCostAndTrainsNothing() {
        Path output = tmp.resolve("out");
        assertEquals(0, run("run", "../conf/mnist-sample.conf", "--dry-run", "--out", output.toString()), err.toString());
        String printed = out.toString();
        assertTrue(printed.contains("3 schedules x 4 trials = 12 trials, 8 epochs, mnist-cnn width 8"), printed);
        assertTrue(printed.contains("LR-decay"), printed);
        assertTrue(printed.contains("96"), "96 trial-epochs: " + printed);
        assertFalse(Files.exists(output), "a dry run writes nothing");
    }

    @Test
    void aDryRunOfTheMixingSamplePrintsTheSchedulesItsMixingBlockExpandsInto() {
        Path output = tmp.resolve("mixing");
        assertEquals(0, run("run", "../conf/mnist-mixing-sample.conf", "--dry-run", "--out", output.toString()),
                err.toString());
        String printed = out.toString();
        assertTrue(printed.contains("6 schedules x 20 trials = 120 trials, 18 epochs"), printed);
        assertTrue(printed.contains("R-0.04     1: lr=0.1 wd=0.4\n"), printed);
        assertTrue(printed.contains("P-0.01     1: lr=0.1 wd=0.1; 13: lr=0.01 wd=1\n"), printed);
        assertTrue(printed.contains("test evaluation: bn-eval recomputed (BN statistics from 16 training batches)"),
                printed);
        assertFalse(Files.exists(output), "a dry run writes nothing");
    }

    @Test
    void aCalibratedDryRunOfThePaperConfigProjectsItsCostWithoutTheDataOnDisk() {
        Path output = tmp.resolve("paper");
        assertEquals(0, run("run", "../conf/mnist-paper.conf", "--dry-run", "--calibrate", "--executors", "4",
                "--executor-cores", "8", "--out", output.toString()), err.toString());
        String printed = out.toString();
        assertTrue(printed.contains("3 schedules x 500 trials = 1500 trials"), printed);
        assertTrue(printed.contains("fetch it before a real run"), printed);
        assertTrue(printed.contains("300,000 trial-epochs"), printed);
        assertTrue(printed.matches("(?s).*train [0-9.]+ images/s \\([0-9.]+ per CPU-second\\), "
                + "predict [0-9.]+ images/s per trial.*"), printed);
        assertTrue(printed.contains("4 executor(s) x 8 cores = 32 trials at a time"), printed);
        assertFalse(Files.exists(output), "a dry run writes nothing");
    }

    @Test
    void everyShippedExperimentConfigDryRuns() throws IOException {
        List<Path> configs;
        try (Stream<Path> files = Files.list(Path.of("..", "conf"))) {
            configs = files.filter(f -> f.toString().endsWith(".conf")).filter(f -> !f.getFileName().toString()
                    .startsWith("spark-") && !f.getFileName().toString().startsWith("log4j2")).sorted().toList();
        }
        assertTrue(configs.size() >= 10, configs.toString());
        for (Path config : configs) {
            Path output = tmp.resolve(config.getFileName().toString());
            assertEquals(0, run("run", config.toString(), "--dry-run", "--out", output.toString()),
                    config + ": " + err);
            assertFalse(Files.exists(output), "a dry run writes nothing: " + config);
        }
        assertEquals(configs.size(), out.toString().lines().filter(line -> line.startsWith("experiment ")).count(),
                out.toString());
    }

    @Test
    void theMixingStudyDryRunsWithoutItsDataAndCountsTheEpochsForksShare() {
        assertEquals(0, run("run", "../conf/mnist-mixing.conf", "--dry-run", "--out", tmp.resolve("m").toString()),
                err.toString());
        String printed = out.toString();
        assertTrue(printed.contains("experiment mnist-mixing: 8 schedules x 200 trials = 1600 trials, 14 epochs, "
                + "mnist-cnn width 32, batch 128, data mnist:data/mnist"), printed);
        assertTrue(printed.contains("P-0.005    1: lr=0.1 wd=0.05; 11: lr=0.01 wd=0.5\n"), printed);
        assertTrue(printed.contains("P-0.005 forks from R-0.005 after epoch 10: trial k starts from trial k of "
                + "R-0.005's checkpoint"), printed);
        assertTrue(printed.contains("test evaluation: bn-eval recomputed (BN statistics from 16 training batches)"),
                printed);
        // 4 x 200 x 14 epochs of R and 4 x 200 x 4 of P; the data set is not on disk here.
        assertTrue(printed.contains("cost: 14,400 trial-epochs; images unknown until the data is readable"), printed);
    }

    @Test
    void aCalibratedDryRunOfAStudyCountsAndTimesTheRecomputedBnStatistics() {
        Path output = tmp.resolve("study");
        assertEquals(0, run("run", "../conf/mnist-mixing-sample.conf", "--dry-run", "--calibrate", "--out",
                output.toString()), err.toString());
        String printed = out.toString();
        assertTrue(printed.matches("(?s).*training on [0-9,]+ images, passing [0-9,]+ training images forward for "
                + "BN's recomputed statistics and predicting [0-9,]+ test images.*"), printed);
        assertTrue(printed.matches("(?s).*predict [0-9.]+ images/s, BN statistics [0-9.]+ images/s per trial.*"),
                printed);
        assertFalse(Files.exists(output), "a dry run writes nothing");
    }

    @Test
    void aDryRunShowsEachForkAndCountsOnlyTheEpochsItTrains() throws IOException {
        Path config = tmp.resolve("study.conf");
        Files.writeString(config, io.mixfarm.jobs.config.ForkConfigTest.STUDY);
        assertEquals(0, run("run", config.toString(), "--dry-run", "--out", tmp.resolve("out").toString()),
                err.toString());
        String printed = out.toString();
        assertTrue(printed.contains("P forks from R after epoch 8: trial k starts from trial k of R's checkpoint and "
                + "takes its seeds"), printed);
        assertTrue(printed.contains("Q forks from P after epoch 12"), printed);
        assertTrue(printed.contains("9 trials x 16 epochs - 60 shared by forks = 84 trial-epochs"), printed);
    }

    @Test
    void anUnknownConfigKeyIsOneLineNamingItAndExitStatusTwo() throws IOException {
        Path config = tmp.resolve("bad.conf");
        Files.writeString(config, "experiment { trails = 3 }\n");
        assertEquals(2, run("run", config.toString(), "--dry-run"));
        String message = err.toString().strip();
        assertEquals(1, message.lines().count(), message);
        assertTrue(message.contains("experiment.trails") && message.contains("did you mean experiment.trials"), message);
    }

    @Test
    void anUnknownScheduleSelectionIsRefusedBeforeAnythingRuns() {
        assertEquals(2, run("run", "../conf/mnist-sample.conf", "--schedules", "Cosine", "--out", tmp.toString()));
        assertTrue(err.toString().contains("Cosine"), err.toString());
    }

    @Test
    void aScheduleNameTheStoreCannotHoldFailsTheDryRunWithOneLine() throws IOException {
        // The store's partition folders need a letter first; the config once allowed "1cycle", so a farm trained it
        // and then aborted when it wrote the first row.
        Path config = tmp.resolve("onecycle.conf");
        Files.writeString(config, "experiment { schedules = [Const, { name = 1cycle, text = \"1: lr=0.4 wd=0.01\" }] }\n");
        assertEquals(2, run("run", config.toString(), "--dry-run", "--out", tmp.resolve("out").toString()),
                out.toString());
        String message = err.toString().strip();
        assertEquals(1, message.lines().count(), message);
        assertTrue(message.contains("experiment.schedules[1].name: schedule name \"1cycle\" must start with a letter"),
                message);
    }
}
