package io.mixfarm.core.bench;

import io.mixfarm.core.model.InputShape;
import io.mixfarm.core.model.MnistCnn;
import io.mixfarm.core.model.ModelSpec;
import io.mixfarm.core.runtime.RuntimeSetup;
import io.mixfarm.core.schedule.Schedules;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.SplittableRandom;

/** Development probe: ms per SGD step (wall and this thread's CPU) of the paper-size CNN at batch 128. */
public final class StepProbe {
    public static void main(String[] args) {
        int width = args.length > 0 ? Integer.parseInt(args[0]) : 32;
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        RuntimeSetup.configure();
        InputShape shape = new InputShape(1, 28, 28, 10);
        io.mixfarm.core.model.Kernels kernels = io.mixfarm.core.model.Kernels.valueOf(args.length > 2 ? args[2] : "FUSED");
        MultiLayerNetwork net = (MultiLayerNetwork) MnistCnn.build(ModelSpec.mnistCnn(width), shape,
                Schedules.named("Const", 200), 1, kernels).network();
        net.setEpochCount(0);
        SplittableRandom r = new SplittableRandom(1);
        float[] px = new float[128 * 784];
        for (int i = 0; i < px.length; i++) px[i] = r.nextInt(256) / 255f;
        float[] lb = new float[128 * 10];
        for (int i = 0; i < 128; i++) lb[i * 10 + r.nextInt(10)] = 1f;
        DataSet b = new DataSet(Nd4j.create(px, new long[] {128, 784}, 'c'), Nd4j.create(lb, new long[] {128, 10}, 'c'));
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 10; i++) net.fit(b);
        for (int rep = 0; rep < 3; rep++) {
            long c0 = mx.getCurrentThreadCpuTime(), t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) net.fit(b);
            long c1 = mx.getCurrentThreadCpuTime(), t1 = System.nanoTime();
            System.out.printf("step_ms_wall=%.1f step_ms_cpu=%.1f images_per_s=%.1f score=%.4f%n",
                    (t1 - t0) / 1e6 / steps, (c1 - c0) / 1e6 / steps, steps * 128 / ((t1 - t0) / 1e9), net.score());
        }
        var x = b.getFeatures();
        for (int i = 0; i < 3; i++) net.output(x, false);
        long t0 = System.nanoTime();
        for (int i = 0; i < 20; i++) net.output(x, false);
        System.out.printf("predict_images_per_s=%.1f%n", 20 * 128 / ((System.nanoTime() - t0) / 1e9));
    }
}
