package io.mixfarm.jobs.bench;

import io.mixfarm.core.bench.BenchSettings;
import io.mixfarm.core.bench.CpuPeak;
import io.mixfarm.core.bench.FlopCount;
import io.mixfarm.core.bench.Samples;
import io.mixfarm.core.bench.SystemLoad;
import io.mixfarm.core.bench.TrialBench;
import io.mixfarm.core.bench.TrialBenchResult;
import io.mixfarm.core.data.Dataset;
import io.mixfarm.core.data.Datasets;

import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * {@code mixfarm bench}: one trial's training and prediction speed and memory at this JVM's thread count
 * ({@link TrialBench}), then the farm's throughput in local mode ({@link FarmBench}); prints one {@code name=value}
 * line per figure (docs/performance.md, "The trial and farm benchmark", lists them) and the machine's load before
 * and after.
 */
public final class BenchJob {

    /**
     * The local farm's part of the measurement.
     *
     * @param trials  trials in the farm
     * @param epochs  epochs per farm trial
     * @param repeats rounds of lone trials then farm, alternating; the figures are their medians
     */
    public record FarmSettings(int trials, int epochs, int repeats) {

        public FarmSettings {
            if (trials < 1 || epochs < 1 || repeats < 1) {
                throw new IllegalArgumentException("--farm-trials, --farm-epochs and --farm-repeats must be >= 1");
            }
        }
    }

    private final PrintWriter out;

    public BenchJob(PrintWriter out) {
        this.out = out;
    }

    /**
     * Measures the trial of {@code settings} on the data set {@code data} (as {@code Datasets.open} reads it), then,
     * unless {@code farm} is empty, the local farm.
     *
     * @throws IllegalStateException before measuring anything, if the farm is asked for and this JVM's trials would
     *                               not run on one OpenMP thread each
     */
    public void run(String data, BenchSettings settings, CpuPeak peak, Optional<FarmSettings> farm) {
        if (farm.isPresent()) {
            FarmBench.requireOneThread(); // before minutes of measuring, not after
        }
        Dataset dataset = Datasets.open(data);
        Figures figures = new Figures(out);
        figures.add("load_1m_start", SystemLoad.oneMinute(), 2);
        TrialBenchResult trial = TrialBench.run(dataset, settings);
        printTrial(figures, trial, peak);
        if (farm.isPresent()) {
            FarmSettings f = farm.get();
            printFarm(figures, FarmBench.run(data, dataset, settings.model(), settings.batchSize(), f.trials(),
                    f.epochs(), f.repeats()));
        }
        figures.add("load_1m_end", SystemLoad.oneMinute(), 2);
        figures.flush();
    }

    private static void printTrial(Figures f, TrialBenchResult r, CpuPeak peak) {
        BenchSettings s = r.settings();
        FlopCount flops = r.flops();
        f.add("threads", r.threads());
        f.add("width", s.model().width());
        f.add("batch_size", s.batchSize());
        f.add("warmup_steps", s.warmupSteps());
        f.add("timed_steps", s.timedSteps());
        f.add("repeats", s.repeats());
        f.add("train_images_per_s", r.train().wall().median(), 1);
        f.add("train_images_per_s_mean", r.train().wall().mean(), 1);
        f.add("train_images_per_cpu_s", r.train().cpu().median(), 1);
        f.add("train_step_ms", 1000 * s.batchSize() / r.train().wall().median(), 1);
        f.add("test_images", r.testImages());
        f.add("predict_chunk", s.predictChunk());
        f.add("predict_images_per_s", r.predict().wall().median(), 1);
        f.add("predict_images_per_s_mean", r.predict().wall().mean(), 1);
        f.add("predict_images_per_cpu_s", r.predict().cpu().median(), 1);
        f.add("train_flops_per_image", flops.trainingPerImage());
        f.add("predict_flops_per_image", flops.forwardPerImage());
        f.add("train_gflops_per_s", r.trainGflops(), 2);
        f.add("predict_gflops_per_s", r.predictGflops(), 2);
        f.add("peak_gflops_per_s", peak.gflops(r.threads()), 1);
        f.add("train_share_of_peak", peak.share(r.trainGflops(), r.threads()), 4);
        f.add("predict_share_of_peak", peak.share(r.predictGflops(), r.threads()), 4);
        // Issue 6's bar: predicting MNIST's 10,000 test images against one epoch of its 60,000 training images.
        f.add("predict_10k_share_of_60k_epoch",
                (10_000 / r.predict().wall().median()) / (60_000 / r.train().wall().median()), 4);
        f.add("peak_rss_bytes", r.after().peakRssBytes());
        f.add("trial_rss_bytes", r.trialRssBytes());
        f.add("nd4j_workspace_bytes", r.after().workspaceBytes());
        f.add("heap_peak_bytes", r.after().heapPeakBytes());
        f.flush();
    }

    private static void printFarm(Figures f, List<FarmBenchResult> rounds) {
        FarmBenchResult first = rounds.get(0);
        f.add("farm_trials", first.trials());
        f.add("farm_epochs", first.epochs());
        f.add("farm_slots", first.slots());
        f.add("farm_repeats", rounds.size());
        f.add("farm_wall_s", median(rounds, FarmBenchResult::wallSeconds), 2);
        f.add("farm_trial_s_mean", median(rounds, r -> r.trialSeconds() / r.trials()), 2);
        f.add("farm_trials_per_hour", median(rounds, FarmBenchResult::trialsPerHour), 1);
        f.add("farm_overhead", median(rounds, FarmBenchResult::overhead), 4);
        f.add("solo_trial_s", median(rounds, FarmBenchResult::soloFirstSeconds), 2);
        f.add("solo_next_trial_s", median(rounds, FarmBenchResult::soloNextSeconds), 2);
        f.add("solo_sequential_s", median(rounds, FarmBenchResult::sequentialSeconds), 2);
        f.add("solo_trial_train_images_per_s", median(rounds, FarmBenchResult::soloTrainImagesPerSecond), 1);
        Samples speedup = samples(rounds, FarmBenchResult::speedupOverSolo);
        f.add("farm_speedup_over_solo", speedup.median(), 3);
        f.add("farm_speedup_over_solo_min", speedup.min(), 3);
        f.add("farm_speedup_over_solo_max", speedup.max(), 3);
        // Each round's own figures, in the order run: which round was slow, and whether the machine drifted.
        for (int i = 0; i < rounds.size(); i++) {
            FarmBenchResult round = rounds.get(i);
            String prefix = "farm_round" + (i + 1) + "_";
            f.add(prefix + "wall_s", round.wallSeconds(), 2);
            f.add(prefix + "solo_sequential_s", round.sequentialSeconds(), 2);
            f.add(prefix + "speedup_over_solo", round.speedupOverSolo(), 3);
        }
        f.flush();
    }

    private static double median(List<FarmBenchResult> rounds, ToDoubleFunction<FarmBenchResult> figure) {
        return samples(rounds, figure).median();
    }

    private static Samples samples(List<FarmBenchResult> rounds, ToDoubleFunction<FarmBenchResult> figure) {
        return new Samples(rounds.stream().map(figure::applyAsDouble).toList());
    }
}
