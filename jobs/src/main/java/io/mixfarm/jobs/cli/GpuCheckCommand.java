package io.mixfarm.jobs.cli;

import io.mixfarm.core.data.Dataset;
import io.mixfarm.core.data.EmbeddedSample;
import io.mixfarm.core.runtime.RuntimeSetup;
import io.mixfarm.jobs.device.Nd4jDevices;
import io.mixfarm.jobs.gpu.BackendInfo;
import io.mixfarm.jobs.gpu.ComputeCapability;
import io.mixfarm.jobs.gpu.GpuSmoke;
import io.mixfarm.jobs.gpu.Measurement;
import io.mixfarm.jobs.gpu.MemoryPeak;
import io.mixfarm.jobs.gpu.Nd4jProbe;
import io.mixfarm.jobs.gpu.SmokeOptions;
import io.mixfarm.jobs.gpu.SmokeRun;
import io.mixfarm.jobs.gpu.Verdict;
import org.bytedeco.javacpp.Pointer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** The GPU check: what ND4J runs on here, one short trial on it, and a verdict; {@code name=value} lines. */
@Command(name = "gpu-check", mixinStandardHelpOptions = true,
        description = {"Check that ND4J trains on this node's GPU before a long farm: prints the ND4J backend, "
                + "the device and its compute capability, one epoch's images/s and memory, and a verdict, as "
                + "name=value lines (submit/gpu-smoke.sh runs it with the CUDA jar).",
                "Exit status: 0 the GPU works (verdict ok, or ok-jit: through the driver's JIT), 1 it does not "
                        + "(backend-failed, no-gpu, cuda-error, unsupported-arch, wrong-results), 2 bad options, "
                        + "3 ND4J runs on the CPU (verdict cpu-backend: no GPU is used)."})
final class GpuCheckCommand implements Callable<Integer> {

    @Spec
    private CommandSpec command;

    @Option(names = "--device", defaultValue = "0", description = "CUDA device to bind the trials to (default: ${DEFAULT-VALUE}).")
    private int device;

    @Option(names = "--width", defaultValue = "32", description = "CNN width; 32 is the paper's (default: ${DEFAULT-VALUE}).")
    private int width;

    @Option(names = "--train-images", defaultValue = "8000",
            description = "Training images of the epoch, from the embedded MNIST sample (default: ${DEFAULT-VALUE}, all).")
    private int trainImages;

    @Option(names = "--test-images", defaultValue = "2000",
            description = "Test images evaluated after it (default: ${DEFAULT-VALUE}, all).")
    private int testImages;

    @Option(names = "--batch-size", defaultValue = "128", description = "Minibatch size (default: ${DEFAULT-VALUE}).")
    private int batchSize;

    @Option(names = "--concurrent", split = ",", defaultValue = "1", paramLabel = "K[,K...]",
            description = "Also measure K trials at once on the device (e.g. 1,2,4,8: the trials per GPU that "
                    + "spark.task.resource.gpu.amount = 1/K gives); default: ${DEFAULT-VALUE}.")
    private List<Integer> concurrency;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the first trial (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Override
    public Integer call() {
        SmokeOptions options = new SmokeOptions(device, width, trainImages, testImages, batchSize, concurrency, seed);
        PrintWriter out = command.commandLine().getOut();

        long start = System.nanoTime();
        BackendInfo info = Nd4jProbe.ND4J.probe();
        double initSeconds = (System.nanoTime() - start) / 1e9;
        print(out, "backend", info.backend());
        if (info.loadError() != null) {
            print(out, "error", info.loadError());
            return verdict(out, Verdict.judge(info, device, SmokeRun.failed("not run")));
        }
        print(out, "nd4j_init_seconds", format(initSeconds));
        describeDevice(out, info);
        if (info.cuda() && info.device(device).isEmpty()) {
            return verdict(out, Verdict.judge(info, device, SmokeRun.failed("not run")));
        }

        Dataset data = EmbeddedSample.load();
        print(out, "data", String.format(Locale.ROOT, "%s: %d train / %d test images, one epoch",
                data.name(), Math.min(trainImages, data.train().count()), Math.min(testImages, data.test().count())));
        print(out, "width", Integer.toString(width));
        print(out, "batch_size", Integer.toString(batchSize));
        List<Measurement> measurements = new GpuSmoke(Nd4jProbe.ND4J, Nd4jDevices.ND4J).run(info, options, data);
        Measurement first = measurements.get(0);
        printRun(out, first);
        if (measurements.size() > 1 || first.trials() > 1) {
            for (Measurement m : measurements) {
                String prefix = "concurrent_" + m.trials() + "_";
                print(out, prefix + "images_per_second", format(m.imagesPerSecond()));
                printMemory(out, prefix, m.memory());
                if (!m.run().completed()) {
                    print(out, prefix + "error", m.run().error());
                }
            }
        }
        // The verdict goes by the first failure at any level, else by the first trial.
        SmokeRun judged = measurements.stream().map(Measurement::run).filter(r -> !r.completed()).findFirst()
                .orElse(first.run());
        return verdict(out, Verdict.judge(info, device, judged));
    }

    private void describeDevice(PrintWriter out, BackendInfo info) {
        if (!info.cuda()) {
            print(out, "device", "cpu");
            print(out, "device_name", info.hostName());
            print(out, "compute_capability", "none");
            print(out, "threads", Integer.toString(RuntimeSetup.threads()));
        } else {
            print(out, "cuda_devices", Integer.toString(info.devices().size()));
            print(out, "device", Integer.toString(device));
            info.device(device).ifPresent(gpu -> {
                print(out, "device_name", gpu.name());
                print(out, "compute_capability", gpu.capability().toString());
                print(out, "sm", gpu.capability().sm());
                print(out, "device_memory_bytes", Long.toString(gpu.totalBytes()));
                print(out, "device_memory_free_bytes", Long.toString(gpu.freeBytes()));
            });
        }
        print(out, "kernels_up_to", ComputeCapability.ND4J_CUDA_NEWEST.sm());
    }

    private void printRun(PrintWriter out, Measurement m) {
        SmokeRun run = m.run();
        if (!run.completed()) {
            print(out, "error", run.error());
            return;
        }
        print(out, "train_images_per_second", format(run.trainImagesPerSecond()));
        print(out, "predict_images_per_second", format(run.predictImagesPerSecond()));
        print(out, "train_loss", String.format(Locale.ROOT, "%.4f", run.trainLoss()));
        print(out, "test_error", String.format(Locale.ROOT, "%.4f", run.testError()));
        printMemory(out, "", m.memory());
        print(out, "offheap_limit_bytes", Long.toString(Pointer.maxBytes()));
        print(out, "physical_limit_bytes", Long.toString(Pointer.maxPhysicalBytes()));
    }

    private static void printMemory(PrintWriter out, String prefix, MemoryPeak memory) {
        print(out, prefix + "offheap_peak_bytes", Long.toString(memory.offheapBytes()));
        print(out, prefix + "physical_peak_bytes", Long.toString(memory.physicalBytes()));
        if (memory.deviceUsedBytes() >= 0) {
            print(out, prefix + "device_memory_peak_bytes", Long.toString(memory.deviceUsedBytes()));
        }
    }

    private static int verdict(PrintWriter out, Verdict verdict) {
        print(out, "verdict", verdict.line());
        out.flush();
        return verdict.exitCode();
    }

    private static void print(PrintWriter out, String name, String value) {
        out.println(name + "=" + value.replace('\n', ' '));
    }

    private static String format(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }
}
