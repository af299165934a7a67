package io.mixfarm.jobs.cli;

import io.mixfarm.core.bench.BenchSettings;
import io.mixfarm.core.bench.CpuPeak;
import io.mixfarm.core.bench.TrialBench;
import io.mixfarm.core.data.EmbeddedSample;
import io.mixfarm.core.model.ModelSpec;
import io.mixfarm.jobs.bench.BenchJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code mixfarm bench}: its options, checked, then {@link BenchJob}, which measures one trial's training and
 * prediction speed and memory at this JVM's thread count and the farm's throughput in local mode, and prints one
 * {@code name=value} line per figure (docs/performance.md lists them).
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
        BenchSettings settings = new BenchSettings(ModelSpec.mnistCnn(width), batchSize, warmup, steps, repeats,
                predictChunk, 1);
        CpuPeak peak = new CpuPeak(peakPerCore);
        BenchJob.FarmSettings farm = new BenchJob.FarmSettings(farmTrials, farmEpochs, farmRepeats);
        new BenchJob(command.commandLine().getOut()).run(data, settings, peak,
                skipFarm ? Optional.empty() : Optional.of(farm));
        return 0;
    }
}
