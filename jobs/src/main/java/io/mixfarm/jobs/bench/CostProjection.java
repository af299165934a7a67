package io.mixfarm.jobs.bench;

import io.mixfarm.core.bench.Calibration;
import io.mixfarm.core.bench.TrialBench;
import io.mixfarm.core.data.Dataset;
import io.mixfarm.core.data.DatasetException;
import io.mixfarm.core.data.DatasetSpec;
import io.mixfarm.core.data.Datasets;
import io.mixfarm.core.model.InputShape;
import io.mixfarm.core.runtime.RuntimeSetup;
import io.mixfarm.jobs.config.CostEstimate;
import io.mixfarm.jobs.config.ExperimentConfig;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * {@code run --dry-run --calibrate}: times a trial's SGD steps on this machine ({@link Calibration}) and projects the
 * experiment's compute and wall time from its plan's cost ({@link CostEstimate}). Needs no data on disk: where the
 * data set is missing it uses its kind's standard shape and size and says so.
 */
public final class CostProjection {

    /** Untimed steps first (oneDNN creates its primitives, workspaces settle), then timed ones. */
    private static final int WARMUP_STEPS = 3;
    private static final int TIMED_STEPS = 10;
    /** Below this share of its cores during the timed steps, the projection says the machine is busy. */
    private static final double BUSY_SHARE = 0.8;

    private final PrintWriter out;

    public CostProjection(PrintWriter out) {
        this.out = out;
    }

    /** Measures, then prints the calibration and the projection for {@code executors} x {@code coresPerExecutor}. */
    public void print(ExperimentConfig config, int executors, int coresPerExecutor) {
        Sizes sizes = sizes(config.data());
        Calibration.Throughput rates = Calibration.measure(config.model(), config.preprocessing(), sizes.shape(),
                config.schedules().get(0), config.batchSize(), WARMUP_STEPS, TIMED_STEPS);
        CostEstimate cost = CostEstimate.of(config, sizes.train(), sizes.test());
        double trialSeconds = cost.trialSeconds(rates.trainImagesPerSecond(), rates.statisticsImagesPerSecond(),
                rates.predictImagesPerSecond());
        int threads = config.threadsPerTrial();
        int slots = Math.max(1, executors * coresPerExecutor / threads);
        double perTrial = trialSeconds / cost.trials();
        double wall = Math.ceil((double) cost.trials() / slots) * perTrial;
        out.printf("calibration on this machine (%s backend, %d thread(s) per trial, %s width %d, batch %d): "
                        + "train %.1f images/s (%.1f per CPU-second), predict %.1f images/s%s per trial%n",
                RuntimeSetup.backend(), threads, config.model().architecture(), config.model().width(),
                config.batchSize(), rates.trainImagesPerSecond(), rates.trainImagesPerCpuSecond(),
                rates.predictImagesPerSecond(), cost.statisticsImages() == 0 ? ""
                        : String.format(Locale.ROOT, ", BN statistics %.1f images/s",
                                rates.statisticsImagesPerSecond()));
        out.printf("projected: %.2f h per trial, %,.0f core-hours in all (%,d trial-epochs); wall %.1f h on %d "
                        + "executor(s) x %d cores = %d trials at a time%n", perTrial / 3600,
                trialSeconds * threads / 3600, cost.trialEpochs(), wall / 3600, executors, coresPerExecutor, slots);
        // On a shared machine the wall rate is this trial's share of a core. CPU time hints at what a free core
        // gives, no more: caches and memory bandwidth shared with the other work slow the CPU time too.
        double share = rates.trainImagesPerSecond() / (rates.trainImagesPerCpuSecond() * threads);
        if (share < BUSY_SHARE) {
            out.printf("note: this machine is busy: the timed steps got %.0f%% of %d core(s); at their CPU-time rate "
                            + "a trial would take about %.2f h on free cores%n", 100 * share, threads,
                    perTrial * share / 3600);
        }
        out.flush();
    }

    /** Image counts and shape of the data set, read if present, else the standard ones of its kind. */
    private Sizes sizes(String data) {
        try {
            Dataset d = Datasets.open(data);
            return new Sizes(d.train().count(), d.test().count(), TrialBench.shape(d.train()));
        } catch (DatasetException e) {
            Sizes standard = switch (DatasetSpec.parse(data).kind()) {
                case MNIST, FASHION_MNIST, KMNIST, MNIST_SAMPLE -> new Sizes(60_000, 10_000, new InputShape(1, 28, 28, 10));
                case CIFAR10 -> new Sizes(50_000, 10_000, new InputShape(3, 32, 32, 10));
                case CIFAR100 -> new Sizes(50_000, 10_000, new InputShape(3, 32, 32, 100));
                case CIFAR100_COARSE -> new Sizes(50_000, 10_000, new InputShape(3, 32, 32, 20));
            };
            out.printf("calibration: the data set is not readable here (%s): projecting with its standard size "
                    + "(%,d train / %,d test images); fetch it before a real run%n", e.getMessage(), standard.train(),
                    standard.test());
            return standard;
        }
    }

    /** What the projection needs to know of a data set. */
    private record Sizes(int train, int test, InputShape shape) {
    }
}
