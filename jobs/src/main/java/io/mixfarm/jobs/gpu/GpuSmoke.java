package io.mixfarm.jobs.gpu;

import io.mixfarm.core.data.Dataset;
import io.mixfarm.core.data.Preprocessing;
import io.mixfarm.core.model.ModelSpec;
import io.mixfarm.core.schedule.Schedule;
import io.mixfarm.core.schedule.Schedules;
import io.mixfarm.core.trial.EpochMetrics;
import io.mixfarm.core.trial.Evaluation;
import io.mixfarm.core.trial.TrialObserver;
import io.mixfarm.core.trial.TrialRunner;
import io.mixfarm.core.trial.TrialSpec;
import io.mixfarm.jobs.device.Nd4jDevices;
import org.bytedeco.javacpp.Pointer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Trains the GPU check's trials: for each concurrency level k, k trials of one epoch at the same time, each on
 * its own thread bound to the device (as k Spark tasks of one executor share a GPU with
 * {@code spark.task.resource.gpu.amount = 1/k}), while a sampler records the memory they use.
 */
public final class GpuSmoke {

    /** The paper's first phase (eta 0.1, lambda 0.1): what every trial of the farm starts with. */
    private static final String SCHEDULE = "1: lr=0.1 wd=0.1";
    private static final long SAMPLE_MILLIS = 50;

    private final Nd4jProbe probe;
    private final Nd4jDevices devices;

    public GpuSmoke(Nd4jProbe probe, Nd4jDevices devices) {
        this.probe = probe;
        this.devices = devices;
    }

    /** Runs every concurrency level in turn, stopping at the first one whose trials fail. */
    public List<Measurement> run(BackendInfo info, SmokeOptions options, Dataset data) {
        Dataset slice = new Dataset(data.name(),
                data.train().slice(0, Math.min(options.trainImages(), data.train().count())),
                data.test().slice(0, Math.min(options.testImages(), data.test().count())));
        List<Measurement> measurements = new ArrayList<>();
        for (int trials : options.concurrency()) {
            Measurement m = measure(info, options, slice, trials);
            measurements.add(m);
            if (!m.run().completed()) {
                break;
            }
        }
        return measurements;
    }

    private Measurement measure(BackendInfo info, SmokeOptions options, Dataset data, int trials) {
        Schedule schedule = Schedules.resolve(SCHEDULE, 1);
        Sampler sampler = new Sampler(info.cuda() ? options.device() : -1);
        Thread samplerThread = new Thread(sampler, "gpu-check-memory");
        samplerThread.setDaemon(true);
        samplerThread.start();
        ExecutorService pool = Executors.newFixedThreadPool(trials);
        List<SmokeRun> runs = new ArrayList<>();
        try {
            List<Future<SmokeRun>> futures = new ArrayList<>();
            for (int t = 0; t < trials; t++) {
                long seed = options.seed() + t;
                TrialSpec spec = new TrialSpec(data.name(), ModelSpec.mnistCnn(options.width()), Preprocessing.NONE, schedule, 1,
                        options.batchSize(), List.of(1), seed, seed, Evaluation.RUNNING);
                futures.add(pool.submit(() -> trainOne(info, options.device(), spec, data)));
            }
            for (Future<SmokeRun> future : futures) {
                runs.add(future.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            runs.add(SmokeRun.failed(String.valueOf(e.getCause())));
        } finally {
            pool.shutdownNow();
            sampler.stop();
        }
        SmokeRun first = runs.stream().filter(r -> !r.completed()).findFirst().orElse(runs.get(0));
        double imagesPerSecond = runs.stream().mapToDouble(SmokeRun::trainImagesPerSecond).sum();
        return new Measurement(trials, imagesPerSecond, first, sampler.peak());
    }

    private SmokeRun trainOne(BackendInfo info, int device, TrialSpec spec, Dataset data) {
        try {
            if (info.cuda()) {
                devices.useGpu(device); // per thread, as each farm task binds its own
            }
            EpochMetrics epoch = new TrialRunner().run(spec, data, TrialObserver.NONE).last();
            return SmokeRun.completed(data.train().count() / epoch.trainSeconds(),
                    data.test().count() / epoch.evalSeconds(), epoch.trainLoss(), epoch.testError(),
                    data.test().classes());
        } catch (RuntimeException | LinkageError e) {
            // ND4J reports CUDA failures (no kernel image for the device, out of memory) as exceptions: they
            // are the check's result, not its failure.
            return SmokeRun.failed(e.getClass().getSimpleName() + ": "
                    + String.valueOf(e.getMessage()).replaceAll("\\s+", " ").strip());
        }
    }

    /** Samples JavaCPP's off-heap counters and the device's free memory until stopped. */
    private final class Sampler implements Runnable {

        private final int device;
        private final long freeBefore;
        private final AtomicBoolean stopped = new AtomicBoolean();
        private final AtomicLong offheap = new AtomicLong();
        private final AtomicLong physical = new AtomicLong();
        private final AtomicLong lowestFree = new AtomicLong(Long.MAX_VALUE);

        Sampler(int device) {
            this.device = device;
            this.freeBefore = device >= 0 ? probe.freeDeviceBytes(device) : -1;
        }

        @Override
        public void run() {
            while (!stopped.get()) {
                sample();
                try {
                    Thread.sleep(SAMPLE_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        private void sample() {
            offheap.accumulateAndGet(Pointer.totalBytes(), Math::max);
            physical.accumulateAndGet(Pointer.physicalBytes(), Math::max);
            if (device >= 0) {
                lowestFree.accumulateAndGet(probe.freeDeviceBytes(device), Math::min);
            }
        }

        void stop() {
            stopped.set(true);
            sample(); // the end state too, however short the run
        }

        MemoryPeak peak() {
            long used = device >= 0 ? Math.max(0, freeBefore - lowestFree.get()) : -1;
            return new MemoryPeak(offheap.get(), physical.get(), used);
        }
    }
}
