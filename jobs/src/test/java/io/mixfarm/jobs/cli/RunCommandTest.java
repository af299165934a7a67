package io.mixfarm.jobs.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

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
        assertTrue(printed.contains("6 schedules x 20 trials = 120 trials, 16 epochs"), printed);
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
