package io.mixfarm.torchref;

import ai.djl.ndarray.NDArray;
import io.mixfarm.core.bench.CpuPeak;
import io.mixfarm.core.bench.FlopCount;
import io.mixfarm.core.bench.MemoryUse;
import io.mixfarm.core.bench.Minibatches;
import io.mixfarm.core.bench.RateMeter;
import io.mixfarm.core.bench.Samples;
import io.mixfarm.core.bench.TrialBench;
import io.mixfarm.core.data.Dataset;
import io.mixfarm.core.data.Datasets;
import io.mixfarm.core.data.EmbeddedSample;
import io.mixfarm.core.data.SyntheticCifar;
import io.mixfarm.core.model.InputShape;
import io.mixfarm.core.model.Kernels;
import io.mixfarm.core.model.ModelSpec;
import io.mixfarm.core.model.Networks;
import io.mixfarm.core.model.ScaleInvariantNet;
import io.mixfarm.core.runtime.RuntimeSetup;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * DL4J against libtorch in one JVM at this process's thread count (OMP_NUM_THREADS for both): the same network and
 * initial weights, the same batches, the same meter, alternating engine by engine for {@code --rounds} rounds.
 * Prints the equivalence check, then {@code name=value} lines per engine and their ratios.
 */
@Command(name = "torch-bench", mixinStandardHelpOptions = true,
        description = "Train and predict a trial's network (--architecture) in DL4J and in libtorch (DJL), "
                + "alternating, from the same initial weights; print name=value figures and DL4J/libtorch ratios.")
public final class TorchBench implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--data", description = "Data set (default: " + EmbeddedSample.NAME + " for mnist-cnn, synthetic "
            + "CIFAR-10 images for the CIFAR networks).")
    private String data;

    @Option(names = "--architecture", defaultValue = ModelSpec.MNIST_CNN,
            description = "Network: mnist-cnn, preresnet32 or vgg16 (default: ${DEFAULT-VALUE}).")
    private String architecture;

    @Option(names = "--kernels", description = "The DL4J side's layers: fused (mixfarm's oneDNN layers) or dl4j "
            + "(DL4J's stock layers) (default: what a trial of the architecture uses).")
    private String kernels;

    @Option(names = "--width", description = "Network width (default: the architecture's paper width: mnist-cnn 32, "
            + "preresnet32 16, vgg16 64).")
    private Integer width;

    @Option(names = "--test-images", defaultValue = "1024",
            description = "Without --data, the CIFAR networks train and predict synthetic CIFAR-10 images (the speed "
                    + "does not depend on the pixels); this many are predicted per pass (default: ${DEFAULT-VALUE}).")
    private int testImages;

    @Option(names = "--batch-size", defaultValue = "128", description = "Minibatch size (default: ${DEFAULT-VALUE}).")
    private int batchSize;

    @Option(names = "--warmup", defaultValue = "5", description = "Untimed steps per engine and round (default: ${DEFAULT-VALUE}).")
    private int warmup;

    @Option(names = "--steps", defaultValue = "20", description = "Steps per timed repeat (default: ${DEFAULT-VALUE}).")
    private int steps;

    @Option(names = "--repeats", defaultValue = "3", description = "Timed repeats per engine and round (default: ${DEFAULT-VALUE}).")
    private int repeats;

    @Option(names = "--warmup-rounds", defaultValue = "1",
            description = "Untimed rounds of both engines' training and prediction before the timed ones, so that the "
                    + "JIT's compilation of either engine's code, which takes a core from a 2-thread engine, lands "
                    + "before the timing (default: ${DEFAULT-VALUE}).")
    private int warmupRounds;

    @Option(names = "--rounds", defaultValue = "2",
            description = "Rounds of DL4J then libtorch; medians are over all rounds' repeats (default: ${DEFAULT-VALUE}).")
    private int rounds;

    @Option(names = "--predict-chunk", defaultValue = "" + TrialBench.PREDICT_CHUNK,
            description = "Test images per inference call, for both engines (default: the trial runner's, "
                    + "${DEFAULT-VALUE}, so that the prediction rate and the peak RSS are a trial's).")
    private int predictChunk;

    @Option(names = "--engines", split = ",", defaultValue = "dl4j,torch",
            description = "Engines to time, e.g. torch alone to see whether DL4J in the same JVM slows it "
                    + "(default: ${DEFAULT-VALUE}); the equivalence check always runs both. dl4j alone with "
                    + "--skip-equivalence loads no libtorch: its peak RSS is then one trial's, one engine per JVM.")
    private List<String> engines;

    @Option(names = "--skip-equivalence",
            description = "No one-step check first. For the CIFAR networks its float64 step grows the resident set "
                    + "by GBs (ND4J and glibc keep it), so the peak RSS figures mean one trial's footprint only "
                    + "without it.")
    private boolean skipEquivalence;

    @Option(names = "--peak-gflops-per-core", defaultValue = "" + CpuPeak.DEVELOPMENT_MACHINE_GFLOPS_PER_CORE,
            description = "fp32 peak per core (default: ${DEFAULT-VALUE}, the development machine's, measured).")
    private double peakPerCore;

    private final Printout print;

    TorchBench(PrintStream out) {
        this.print = new Printout(out);
    }

    /** Runs the comparison; exits non-zero on bad options or a failure. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new TorchBench(System.out)).execute(args));
    }

    @Override
    public Integer call() {
        if (!List.of("dl4j", "torch").containsAll(engines) || engines.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--engines takes dl4j and/or torch, got "
                    + engines);
        }
        if (!ModelSpec.ARCHITECTURES.contains(architecture)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--architecture takes one of "
                    + String.join(", ", ModelSpec.ARCHITECTURES) + ", got " + architecture);
        }
        if (warmupRounds < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--warmup-rounds takes 0 or more, got "
                    + warmupRounds);
        }
        if (width == null) {
            width = ModelSpec.paperWidth(architecture);
        }
        ModelSpec model = new ModelSpec(architecture, width, ModelSpec.DEFAULT_BN_EPS);
        Kernels layers = kernels == null ? Networks.kernels(model) : Arrays.stream(Kernels.values())
                .filter(k -> k.label().equals(kernels)).findFirst()
                .orElseThrow(() -> new CommandLine.ParameterException(spec.commandLine(), "--kernels takes "
                        + Arrays.stream(Kernels.values()).map(Kernels::label).toList() + ", got " + kernels));
        if (layers == Kernels.FUSED && !Networks.hasFusedLayers(model)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--kernels fused: " + architecture
                    + " has no fused layers yet");
        }
        // DL4J alone loads no libtorch, so its peak resident set is one trial's in a JVM of its own.
        boolean torchNeeded = engines.contains("torch") || !skipEquivalence;
        int threads = threads(torchNeeded);
        return compare(model, layers, threads, torchNeeded);
    }

    /**
     * Configures ND4J for this process and returns its thread count (OMP_NUM_THREADS, which OpenMP reads at start),
     * given to libtorch too when {@code libtorch} (which loads it).
     */
    static int threads(boolean libtorch) {
        RuntimeSetup.configure();
        int threads = RuntimeSetup.threads();
        if (libtorch) {
            TorchNet.useThreads(threads);
        }
        return threads;
    }

    /**
     * The comparison, through {@link NetEquivalence} and a {@link TorchNet}, and each engine's peak resident set
     * while it trains and predicts. Both engines may live in this JVM, so each peak includes what was resident
     * before, printed as {@code rss_before_timing_bytes}; {@code --engines dl4j --skip-equivalence} loads no libtorch
     * and gives one trial's footprint.
     */
    private int compare(ModelSpec model, Kernels layers, int threads, boolean torchNeeded) {
        int batchesNeeded = warmup + steps * repeats;
        Dataset dataset = data != null ? Datasets.open(data)
                : model.architecture().equals(ModelSpec.MNIST_CNN) ? Datasets.open(EmbeddedSample.NAME)
                : SyntheticCifar.dataset(batchesNeeded * batchSize, testImages, 1);
        InputShape shape = TrialBench.shape(dataset.train());
        int[] chw = {shape.channels(), shape.height(), shape.width()};
        List<DataSet> batches = Minibatches.of(dataset.train(), batchSize, batchesNeeded, 1);
        INDArray test = Minibatches.features(dataset.test());
        ScaleInvariantNet dl4j = Networks.build(model, shape, TrialBench.SCHEDULE, 1, layers);
        FlopCount flops = NetFlops.of(dl4j, test.getRow(0, true));
        try (TorchNet torch = torchNeeded ? TorchNet.of(model, NetWeights.of(dl4j)) : null) {
            List<TorchBatch> torchBatches = new ArrayList<>();
            List<NDArray> torchTest = new ArrayList<>();
            if (torch != null) {
                for (DataSet batch : batches) {
                    torchBatches.add(TorchBatch.of(batch, torch, chw));
                }
                torchTest = Workloads.testChunks(torch, test, chw, predictChunk);
            }

            print.loadAtStart();
            print.text("architecture", model.architecture());
            print.text("kernels", layers.label());
            print.figure("threads", threads);
            if (torch != null) {
                print.figure("torch_threads", TorchNet.threads());
            }
            print.figure("width", model.width());
            print.figure("batch_size", batchSize);
            print.figure("warmup_rounds", warmupRounds);
            if (!skipEquivalence) {
                INDArray check = test.get(NDArrayIndex.interval(0, Math.min(test.rows(), predictChunk)),
                        NDArrayIndex.all());
                printEquivalence(NetEquivalence.ofOneStep(dl4j, torch, batches.get(0), torchBatches.get(0), check,
                        chw));
            }
            dl4j.startEpoch(1);

            boolean timeDl4j = engines.contains("dl4j");
            boolean timeTorch = engines.contains("torch");
            RateMeter.Rates dl4jTrain = null;
            RateMeter.Rates torchTrain = null;
            RateMeter.Rates dl4jPredict = null;
            RateMeter.Rates torchPredict = null;
            long dl4jPeak = 0;
            long torchPeak = 0;
            print.figure("rss_before_timing_bytes", MemoryUse.now().rssBytes());
            // Rounds before 0 are the untimed warm-up ones: measured like the others, then dropped.
            for (int round = -warmupRounds; round < rounds; round++) {
                boolean timed = round >= 0;
                if (timeDl4j) {
                    MemoryUse.resetPeak();
                    RateMeter.Rates train = RateMeter.measure(Workloads.training(dl4j, batches), warmup, steps,
                            repeats);
                    RateMeter.Rates predict = RateMeter.measure(Workloads.prediction(dl4j, test, predictChunk), 1, 1,
                            repeats);
                    if (timed) {
                        dl4jTrain = concat(dl4jTrain, train);
                        dl4jPredict = concat(dl4jPredict, predict);
                        dl4jPeak = Math.max(dl4jPeak, MemoryUse.now().peakRssBytes());
                    }
                }
                if (timeTorch) {
                    MemoryUse.resetPeak();
                    RateMeter.Rates train = RateMeter.measure(Workloads.training(torch, torchBatches), warmup, steps,
                            repeats);
                    RateMeter.Rates predict = RateMeter.measure(Workloads.prediction(torch, torchTest), 1, 1, repeats);
                    if (timed) {
                        torchTrain = concat(torchTrain, train);
                        torchPredict = concat(torchPredict, predict);
                        torchPeak = Math.max(torchPeak, MemoryUse.now().peakRssBytes());
                    }
                }
            }
            CpuPeak peak = new CpuPeak(peakPerCore);
            print.figure("train_flops_per_image", flops.trainingPerImage());
            print.figure("predict_flops_per_image", flops.forwardPerImage());
            print.figure("predict_chunk", predictChunk);
            print.figure("test_images", test.rows());
            boolean cifar = !model.architecture().equals(ModelSpec.MNIST_CNN);
            if (timeDl4j) {
                printEngine("dl4j", dl4jTrain, dl4jPredict, flops, peak, threads, cifar);
                print.figure("dl4j_peak_rss_bytes", dl4jPeak);
            }
            if (timeTorch) {
                printEngine("torch", torchTrain, torchPredict, flops, peak, threads, cifar);
                print.figure("torch_peak_rss_bytes", torchPeak);
            }
            if (timeDl4j && timeTorch) {
                printRatios(dl4jTrain, torchTrain, dl4jPredict, torchPredict);
            }
            print.loadAtEnd();
        }
        return 0;
    }

    private void printRatios(RateMeter.Rates dl4jTrain, RateMeter.Rates torchTrain, RateMeter.Rates dl4jPredict,
                             RateMeter.Rates torchPredict) {
        print.figure("train_ratio_vs_torch", dl4jTrain.wall().median() / torchTrain.wall().median(), 3);
        print.figure("train_cpu_ratio_vs_torch", dl4jTrain.cpu().median() / torchTrain.cpu().median(), 3);
        print.figure("predict_ratio_vs_torch", dl4jPredict.wall().median() / torchPredict.wall().median(), 3);
        print.figure("predict_cpu_ratio_vs_torch", dl4jPredict.cpu().median() / torchPredict.cpu().median(), 3);
    }

    /** Per-layer figures as their largest value, the layer named in a comment after it. */
    private void printEquivalence(NetEquivalence e) {
        print.figure("equiv_loss_dl4j", e.lossDl4j(), 6);
        print.figure("equiv_loss_torch", e.lossTorch(), 6);
        print.figure("equiv_loss_rel_diff", e.lossDistance(), 8);
        perLayer("equiv_update_rel_diff_max", e.updateDistance());
        perLayer("equiv_dl4j_update_error_max", e.dl4jUpdateError());
        perLayer("equiv_torch_update_error_max", e.torchUpdateError());
        perLayer("equiv_weights_rel_diff_max", e.weightDistance());
        print.figure("equiv_fixed_layer_moved", e.fixedLayerMoved(), 8);
        print.figure("equiv_bn_running_mean_rel_diff", e.runningMeanDistance(), 8);
        print.figure("equiv_predict_max_abs_diff", e.predictMaxAbsDiff(), 8);
    }

    private void perLayer(String name, Map<String, Double> values) {
        print.figure(name, NetEquivalence.max(values), 8, NetEquivalence.argMax(values));
    }

    /** One engine's figures; {@code cifar}: with issue 15's bar for predicting CIFAR's test set. */
    private void printEngine(String engine, RateMeter.Rates train, RateMeter.Rates predict, FlopCount flops,
                             CpuPeak peak, int threads, boolean cifar) {
        Samples wall = train.wall();
        print.figure(engine + "_train_images_per_s", wall.median(), 1);
        print.figure(engine + "_train_images_per_s_min", wall.min(), 1);
        print.figure(engine + "_train_images_per_s_max", wall.max(), 1);
        print.figure(engine + "_train_images_per_cpu_s", train.cpu().median(), 1);
        print.figure(engine + "_predict_images_per_s", predict.wall().median(), 1);
        print.figure(engine + "_predict_images_per_cpu_s", predict.cpu().median(), 1);
        print.figure(engine + "_train_gflops_per_s", flops.trainingGflops(wall.median()), 2);
        print.figure(engine + "_train_share_of_peak", peak.share(flops.trainingGflops(wall.median()), threads), 4);
        if (cifar) {
            // Issue 15's bar: predicting CIFAR's 10,000 test images against an epoch of its 50,000 training images,
            // per CPU-second (on shared cores the wall rates measure the load as much as the engine).
            print.figure(engine + "_predict_10k_share_of_50k_epoch",
                    (10_000 / predict.cpu().median()) / (50_000 / train.cpu().median()), 4);
        }
    }

    private static RateMeter.Rates concat(RateMeter.Rates sofar, RateMeter.Rates more) {
        return sofar == null ? more : sofar.concat(more);
    }
}
