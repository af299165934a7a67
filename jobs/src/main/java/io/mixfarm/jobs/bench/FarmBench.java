package io.mixfarm.jobs.bench;

import io.mixfarm.core.bench.TrialBench;
import io.mixfarm.core.data.Dataset;
import io.mixfarm.core.data.Preprocessing;
import io.mixfarm.core.model.ModelSpec;
import io.mixfarm.core.runtime.RuntimeSetup;
import io.mixfarm.core.trial.EpochMetrics;
import io.mixfarm.core.trial.TrialObserver;
import io.mixfarm.core.trial.TrialResult;
import io.mixfarm.core.trial.TrialRunner;
import io.mixfarm.core.trial.TrialSpec;
import io.mixfarm.jobs.config.ExperimentConfig;
import io.mixfarm.jobs.farm.FarmJob;
import io.mixfarm.jobs.farm.FarmOptions;
import io.mixfarm.jobs.farm.FarmReport;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

/**
 * The farm's throughput on this machine: one trial alone through the trial runner (no Spark), then a small real
 * farm of the same trial spec on the JVM's Spark master (the launcher's {@code local[*,2]}), one OpenMP thread per
 * trial, into a temporary folder that is deleted afterwards.
 *
 * <p>The baseline is the same trials one after another on one thread of their own, outside Spark: ND4J's
 * workspaces are per thread and a new thread's first epoch pays tens of thousands of page faults to fill them
 * (docs/performance.md, "The trial and farm benchmark", {@code solo_trial_s}), so the first trial on a thread
 * costs more than the next. The farm pays that once per slot; the baseline pays it once. The lone trial therefore
 * runs twice on a new thread, and the baseline for {@code n} trials is the first time plus {@code n - 1} times the
 * second: like for like, where timing the lone trial on the bench's already-warm thread would charge the farm for
 * warm-up the baseline never pays.
 */
public final class FarmBench {

    private FarmBench() {
    }

    /**
     * Runs the lone trials and the farm, {@code repeats} times in alternation: on a shared or virtual machine the
     * speed drifts from one minute to the next, so one pair of runs cannot tell 1.7 from 1.9
     * (docs/performance.md, "What a busy neighbour costs, the farm's file writes, and the warm-up").
     *
     * @param dataSpec  the data set, as {@code Datasets.open} reads it (the embedded sample by default)
     * @param data      that data set, already read
     * @param model     the network
     * @param batchSize images per SGD step
     * @param trials    trials in the farm
     * @param epochs    epochs per trial
     * @param repeats   rounds of lone trials then farm
     * @return one result per round, in the order run
     * @throws IllegalStateException if this JVM's trials would not run on one OpenMP thread each
     */
    public static List<FarmBenchResult> run(String dataSpec, Dataset data, ModelSpec model, int batchSize, int trials,
                                            int epochs, int repeats) {
        requireOneThread();
        warmUp(dataSpec, model, batchSize, trials, epochs);
        List<FarmBenchResult> rounds = new ArrayList<>(repeats);
        for (int round = 0; round < repeats; round++) {
            rounds.add(round(dataSpec, data, model, batchSize, trials, epochs));
        }
        return rounds;
    }

    private static FarmBenchResult round(String dataSpec, Dataset data, ModelSpec model, int batchSize, int trials,
                                         int epochs) {
        Path output = temporaryFolder();
        try {
            ExperimentConfig config = config(dataSpec, model, batchSize, trials, epochs, output);
            TrialSpec spec = config.plan().get(0).spec();
            List<TrialResult> solo = onNewThread(() -> List.of(
                    new TrialRunner().run(spec, data, TrialObserver.NONE),
                    new TrialRunner().run(spec, data, TrialObserver.NONE)));
            TrialResult warm = solo.get(1);
            double soloTrainSeconds = warm.epochs().stream().mapToDouble(EpochMetrics::trainSeconds).sum();
            double soloTrainRate = (double) data.train().count() * epochs / soloTrainSeconds;

            FarmReport report = farm(config);
            return new FarmBenchResult(trials, epochs, report.slots(), report.wallSeconds(), report.trialSeconds(),
                    report.overhead(), solo.get(0).wallSeconds(), warm.wallSeconds(), soloTrainRate);
        } finally {
            delete(output);
        }
    }

    /**
     * An untimed farm of the rounds' own trials, so that the JIT compiles the code of both measured paths first: the
     * trial runner's, which the lone trials and the farm share (else the first round's first lone trial carries it
     * and inflates the baseline), and the farm's own (Spark's scheduling, Kryo, the Parquet writers), which only the
     * farm runs (else the first round's farm carries it, and the C2 compiler's threads take the cores the two farm
     * trials need). A farm of one-epoch trials was not enough: C2 was still busier during the first round's farm
     * than in the later ones, and the first round was the slowest. The figures, from flight recordings and the
     * bench's rounds: docs/performance.md, "Fewer Java objects per step, and a farm warm-up";
     * docs/performance.md, "What a busy neighbour costs, the farm's file writes, and the warm-up".
     */
    private static void warmUp(String dataSpec, ModelSpec model, int batchSize, int trials, int epochs) {
        Path output = temporaryFolder();
        try {
            farm(config(dataSpec, model, batchSize, trials, epochs, output));
        } finally {
            delete(output);
        }
    }

    private static FarmReport farm(ExperimentConfig config) {
        FarmReport report = new FarmJob(new PrintStream(OutputStream.nullOutputStream(), true))
                .run(config, FarmOptions.DEFAULT);
        if (!report.failed().isEmpty()) {
            throw new IllegalStateException("farm benchmark: " + report.failed().size() + " trial(s) failed: "
                    + report.failed().get(0).error());
        }
        return report;
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

    private static ExperimentConfig config(String dataSpec, ModelSpec model, int batchSize, int trials, int epochs,
                                           Path output) {
        return new ExperimentConfig("bench", dataSpec, Preprocessing.NONE, model, batchSize, epochs, List.of(epochs),
                List.of(TrialBench.SCHEDULE), trials, 0L, false, output.toString(), 1);
    }

    private static List<TrialResult> onNewThread(Callable<List<TrialResult>> trials) {
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            return thread.submit(trials).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("farm benchmark interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("farm benchmark: the lone trial failed", e.getCause());
        } finally {
            thread.shutdown();
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
