package io.mixfarm.jobs.cli;

import io.mixfarm.core.bench.BenchSettings;
import io.mixfarm.core.bench.CpuPeak;
import io.mixfarm.core.bench.FlopCount;
import io.mixfarm.core.bench.Samples;
import io.mixfarm.core.bench.SystemLoad;
import io.mixfarm.core.bench.TrialBench;
import io.mixfarm.core.bench.TrialBenchResult;
import io.mixfarm.core.data.Dataset;
import io.mixfarm.core.data.Datasets;
import io.mixfarm.core.data.EmbeddedSample;
import io.mixfarm.core.model.ModelSpec;
import io.mixfarm.jobs.farm.FarmBench;
import io.mixfarm.jobs.farm.FarmBenchResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;

/**
 * Measures one trial's training and prediction speed and memory at this JVM's thread count, and the farm's
 * throughput in local mode; prints one {@code name=value} line per figure (docs/performance.md lists them).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure one trial's training and prediction images/s, GFLOP/s and memory at this JVM's "
                + "thread count (MIXFARM_THREADS), then a small local farm's trials/hour and overhead.",
                "Prints one name=value line per figure; submit/bench runs it at 1 and 2 threads."})
final class BenchCommand implements Callable<Integer> {

    @Spec
    private CommandSpec command;

    @Option(names = "--data", defaultValue = EmbeddedSample.NAME,
            description = "Data set whose images are trained and predicted (default: ${DEFAULT-VALUE}; mnist:DIR "
                    + "predicts MNIST's 10,000 test images).")
    private String data;

    @Option(names = "--width", defaultValue = "32",
            description = "Channels of the first convolution; 32 is the paper's size (default: ${DEFAULT-VALUE}).")
    private int width;

    @Option(names = "--batch-size", defaultValue = "128", description = "Minibatch size (default: ${DEFAULT-VALUE}).")
    private int batchSize;

    @Option(names = "--warmup", defaultValue = "5",
            description = "Untimed SGD steps before timing (default: ${DEFAULT-VALUE}).")
    private int warmup;

    @Option(names = "--steps", defaultValue = "20", description = "SGD steps per timed repeat (default: ${DEFAULT-VALUE}).")
    private int steps;

    @Option(names = "--repeats", defaultValue = "3",
            description = "Timed repeats of training and of prediction; the median is reported (default: "
                    + "${DEFAULT-VALUE}).")
    private int repeats;

    @Option(names = "--predict-chunk", defaultValue = "" + TrialBench.PREDICT_CHUNK,
            description = "Test images per inference call (default: ${DEFAULT-VALUE}, the trial runner's).")
    private int predictChunk;

    @Option(names = "--skip-farm", description = "Measure one trial only, not the farm.")
    private boolean skipFarm;

    @Option(names = "--farm-trials", defaultValue = "4", description = "Trials in the farm (default: ${DEFAULT-VALUE}).")
    private int farmTrials;

    @Option(names = "--farm-epochs", defaultValue = "1", description = "Epochs per farm trial (default: ${DEFAULT-VALUE}).")
    private int farmEpochs;

    @Option(names = "--farm-repeats", defaultValue = "3",
            description = "Rounds of lone trials then farm, alternating; the figures are their medians "
                    + "(default: ${DEFAULT-VALUE}).")
    private int farmRepeats;

    @Option(names = "--peak-gflops-per-core", defaultValue = "" + CpuPeak.DEVELOPMENT_MACHINE_GFLOPS_PER_CORE,
            description = "This CPU's fp32 peak per core, for the share-of-peak figures (default: ${DEFAULT-VALUE}, "
                    + "the development machine's, measured; docs/performance.md).")
    private double peakPerCore;

    @Override
    public Integer call() {
        ModelSpec model = ModelSpec.mnistCnn(width);
        BenchSettings settings = new BenchSettings(model, batchSize, warmup, steps, repeats, predictChunk, 1);
        CpuPeak peak = new CpuPeak(peakPerCore);
        if (farmTrials < 1 || farmEpochs < 1 || farmRepeats < 1) {
            throw new IllegalArgumentException("--farm-trials, --farm-epochs and --farm-repeats must be >= 1");
        }
        if (!skipFarm) {
            FarmBench.requireOneThread(); // before minutes of measuring, not after
        }
        Dataset dataset = Datasets.open(data);
        Figures figures = new Figures(command.commandLine().getOut());
        figures.add("load_1m_start", SystemLoad.oneMinute(), 2);
        TrialBenchResult trial = TrialBench.run(dataset, settings);
        printTrial(figures, trial, peak);
        if (!skipFarm) {
            printFarm(figures, FarmBench.run(data, dataset, model, batchSize, farmTrials, farmEpochs, farmRepeats));
        }
        figures.add("load_1m_end", SystemLoad.oneMinute(), 2);
        figures.flush();
        return 0;
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
