package io.mixfarm.jobs.farm;

import io.mixfarm.core.data.Dataset;
import io.mixfarm.core.data.Preprocessing;
import io.mixfarm.core.model.ModelSpec;
import io.mixfarm.core.runtime.RuntimeSetup;
import io.mixfarm.core.schedule.Schedule;
import io.mixfarm.core.trial.EpochMetrics;
import io.mixfarm.core.trial.TrialObserver;
import io.mixfarm.core.trial.TrialResult;
import io.mixfarm.core.trial.TrialRunner;
import io.mixfarm.jobs.config.ExperimentConfig;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The farm's throughput on this machine: one trial alone through the trial runner (no Spark), then a small real
 * farm of the same trial spec on the JVM's Spark master (the launcher's {@code local[*,2]}), one OpenMP thread per
 * trial, into a temporary folder that is deleted afterwards.
 */
public final class FarmBench {

    /** What the farm runs; shapes and sizes decide speed, not the maths of the schedule. */
    private static final Schedule SCHEDULE = Schedule.parse("bench", "1: lr=0.1 wd=0.1");

    private FarmBench() {
    }

    /**
     * Runs the solo trial and the farm.
     *
     * @param dataSpec  the data set, as {@code Datasets.open} reads it (the embedded sample by default)
     * @param data      that data set, already read
     * @param model     the network
     * @param batchSize images per SGD step
     * @param trials    trials in the farm
     * @param epochs    epochs per trial
     * @throws IllegalStateException if this JVM's trials would not run on one OpenMP thread each
     */
    public static FarmBenchResult run(String dataSpec, Dataset data, ModelSpec model, int batchSize, int trials,
                                      int epochs) {
        requireOneThread();
        Path output = temporaryFolder();
        try {
            ExperimentConfig config = new ExperimentConfig("bench", dataSpec, Preprocessing.NONE, model, batchSize, epochs,
                    List.of(epochs), List.of(SCHEDULE), trials, 0L, false, output.toString(), 1);

            TrialResult solo = new TrialRunner().run(config.plan().get(0).spec(), data, TrialObserver.NONE);
            double soloTrainSeconds = solo.epochs().stream().mapToDouble(EpochMetrics::trainSeconds).sum();
            double soloTrainRate = (double) data.train().count() * epochs / soloTrainSeconds;

            FarmReport report = new FarmJob(new PrintStream(OutputStream.nullOutputStream(), true))
                    .run(config, FarmOptions.DEFAULT);
            if (!report.failed().isEmpty()) {
                throw new IllegalStateException("farm benchmark: " + report.failed().size() + " trial(s) failed: "
                        + report.failed().get(0).error());
            }
            return new FarmBenchResult(trials, epochs, report.slots(), report.wallSeconds(), report.trialSeconds(),
                    report.overhead(), solo.wallSeconds(), soloTrainRate);
        } finally {
            delete(output);
        }
    }

    /**
     * In local mode the trials share this JVM, whose OpenMP thread count was fixed when it started; with more than
     * one, two trials on two cores would oversubscribe them and the figures would measure that.
     *
     * @throws IllegalStateException if this JVM has more than one
     */
    public static void requireOneThread() {
        int threads = RuntimeSetup.threads();
        if (threads != 1) {
            throw new IllegalStateException("the farm figures need one OpenMP thread per trial and this JVM has "
                    + threads + " (OMP_NUM_THREADS is read at start): run with MIXFARM_THREADS=1, or add --skip-farm");
        }
    }

    private static Path temporaryFolder() {
        try {
            return Files.createTempDirectory("mixfarm-bench-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path folder) {
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
