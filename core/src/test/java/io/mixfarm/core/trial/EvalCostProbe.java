package io.mixfarm.core.trial;

import io.mixfarm.core.data.Dataset;
import io.mixfarm.core.data.EmbeddedSample;
import io.mixfarm.core.data.Normalisation;
import io.mixfarm.core.data.Preprocessing;
import io.mixfarm.core.model.ModelSpec;
import io.mixfarm.core.model.PopulationStatistics;
import io.mixfarm.core.model.ScaleInvariantNet;
import io.mixfarm.core.schedule.Schedule;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Development probe (issue 18): where an evaluation's time goes, part by part, on a width-8 MNIST CNN of the
 * embedded sample after one epoch of training (eta 0.1, lambda 0.4), as a mixing study evaluates it: the test set
 * with BN's running averages ({@code running}), and precise BN on the 16 fixed statistics batches
 * ({@code recomputed}). Each part runs {@code REPEATS} times, the parts in turn, and prints its median and range in
 * milliseconds, and the garbage collections it caused. Run it with one OpenMP thread, as trials run
 * (docs/performance.md, "The cost of an evaluation" has the command).
 *
 * <p>Usage: {@code EvalCostProbe [REPEATS]} (default 15).
 */
public final class EvalCostProbe {

    private static final int WIDTH = 8;
    private static final int BN_BATCHES = 16;

    public static void main(String[] args) throws Exception {
        int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        Dataset data = EmbeddedSample.load();
        TrialSpec spec = new TrialSpec("mnist-sample", ModelSpec.mnistCnn(WIDTH), Preprocessing.NONE,
                Schedule.parse("const", "1: lr=0.1 wd=0.4"), 1, 128, List.of(1), 7, 7, Evaluation.RUNNING);
        ScaleInvariantNet net = TrialRunner.build(spec, data);
        new TrialRunner().train(spec, data, m -> { }, net, System.nanoTime());
        Normalisation normalisation = spec.preprocessing().normalise().of(data.train());
        ImageBatches test = ImageBatches.evaluation(data.test(), normalisation);
        List<INDArray> batches = TrialRunner.statisticsBatches(data.train(), normalisation, spec, BN_BATCHES);
        PopulationStatistics stats = PopulationStatistics.measure(net, batches);
        INDArray saved = net.network().params().dup();

        List<Part> parts = List.of(
                new Part("running: test-set prediction (2,000 images)", () -> TrialRunner.evaluate(net, test)),
                new Part("recomputed: whole, batches assembled at the evaluation", () -> PopulationStatistics.evaluate(
                        net, TrialRunner.statisticsBatches(data.train(), normalisation, spec, BN_BATCHES),
                        () -> TrialRunner.evaluate(net, test))),
                new Part("recomputed: whole, batches built before", () -> PopulationStatistics.evaluate(net, batches,
                        () -> TrialRunner.evaluate(net, test))),
                new Part("  assembling the 16 statistics batches",
                        () -> TrialRunner.statisticsBatches(data.train(), normalisation, spec, BN_BATCHES)),
                new Part("  training-mode forward, activations kept (forEachBatchNormInput x16)", () -> {
                    for (INDArray b : batches) {
                        net.forEachBatchNormInput(b, (layer, input) -> { });
                    }
                    return null;
                }),
                new Part("  training-mode forward, output only (x16; a floor)", () -> {
                    for (INDArray b : batches) {
                        net.output(b, true);
                    }
                    return null;
                }),
                new Part("  measure: forward + pooled mean/var (x16)", () -> PopulationStatistics.measure(net, batches)),
                new Part("  params().dup() and restore", () -> {
                    INDArray copy = net.network().params().dup();
                    net.network().params().assign(copy);
                    return null;
                }),
                new Part("  installing the statistics", () -> {
                    stats.install(net);
                    net.network().params().assign(saved);
                    return null;
                }));

        System.out.printf("load %s", Files.readString(Path.of("/proc/loadavg")));
        for (Part part : parts) {
            part.run(); // warm-up
        }
        for (int r = 0; r < repeats; r++) {
            for (Part part : parts) {
                part.time();
            }
        }
        System.out.println("part | median ms | min-max ms | GCs per run | GC ms per run");
        for (Part part : parts) {
            System.out.println(part.report(repeats));
        }
        System.out.printf("load %s", Files.readString(Path.of("/proc/loadavg")));
    }

    /** One timed part, and what it cost over all its runs. */
    private static final class Part {
        private final String name;
        private final Supplier<?> body;
        private final List<Double> millis = new ArrayList<>();
        private long gcs;
        private long gcMillis;

        Part(String name, Supplier<?> body) {
            this.name = name;
            this.body = body;
        }

        void run() {
            body.get();
        }

        void time() {
            long[] gc0 = gc();
            long t0 = System.nanoTime();
            body.get();
            long t1 = System.nanoTime();
            long[] gc1 = gc();
            millis.add((t1 - t0) / 1e6);
            gcs += gc1[0] - gc0[0];
            gcMillis += gc1[1] - gc0[1];
        }

        String report(int repeats) {
            double[] sorted = millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            return String.format(Locale.ROOT, "%-66s | %7.1f | %6.1f-%6.1f | %.2f | %.1f", name,
                    sorted[sorted.length / 2], sorted[0], sorted[sorted.length - 1], (double) gcs / repeats,
                    (double) gcMillis / repeats);
        }

        private static long[] gc() {
            long count = 0;
            long time = 0;
            for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
                count += Math.max(0, bean.getCollectionCount());
                time += Math.max(0, bean.getCollectionTime());
            }
            return new long[] {count, time};
        }
    }

    private EvalCostProbe() {
    }
}
