package io.mixfarm.core.bench;

import io.mixfarm.core.data.ImageSet;
import io.mixfarm.core.data.Normalisation;
import io.mixfarm.core.data.PadCropFlip;
import io.mixfarm.core.data.SyntheticCifar;
import io.mixfarm.core.model.InputShape;
import io.mixfarm.core.model.Kernels;
import io.mixfarm.core.model.ModelSpec;
import io.mixfarm.core.model.Networks;
import io.mixfarm.core.runtime.RuntimeSetup;
import io.mixfarm.core.schedule.Schedules;
import io.mixfarm.core.trial.ImageBatches;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Development probe: where a VGG16 training step's time goes, layer by layer (docs/performance.md, "CIFAR networks").
 * Each layer of the network (and each input preprocessor, which for the fused network is the channels-last
 * conversion of the images) runs forward in training mode and backward on the activations of one augmented batch,
 * as the network runs them but one call at a time without workspaces; medians of {@code REPEATS} calls, summed per
 * layer kind; then whole steps ({@code fit}) for comparison.
 * {@code java -cp core/target/test-classes:core/target/classes:CP io.mixfarm.core.bench.Vgg16LayerProbe WIDTH
 * REPEATS FUSED|DL4J}.
 */
public final class Vgg16LayerProbe {

    private static final int BATCH = 128;
    private static final LayerWorkspaceMgr NONE = LayerWorkspaceMgr.noWorkspaces();

    private Vgg16LayerProbe() {
    }

    public static void main(String[] args) {
        int width = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Kernels kernels = Kernels.valueOf(args.length > 2 ? args[2] : "FUSED");
        RuntimeSetup.configure();
        MultiLayerNetwork net = (MultiLayerNetwork) Networks.build(ModelSpec.vgg16(width),
                new InputShape(3, 32, 32, 10), Schedules.named("Const", 200), 1, kernels).network();
        net.setEpochCount(0);
        ImageSet images = SyntheticCifar.images(BATCH, new SplittableRandom(1));
        DataSet batch = ImageBatches.training(images, Normalisation.perChannel(images),
                new PadCropFlip(PadCropFlip.CIFAR_PAD), 1).batch(IntStream.range(0, BATCH).toArray());
        System.out.printf("kernels=%s width=%d batch=%d load_1m_start=%.2f%n", kernels.label(), width, BATCH,
                SystemLoad.oneMinute());
        for (int i = 0; i < 2; i++) {
            net.fit(batch);
        }

        Map<String, double[]> byKind = new LinkedHashMap<>();
        int n = net.getnLayers();
        INDArray[] inputs = new INDArray[n];
        INDArray activation = batch.getFeatures();
        for (int i = 0; i < n; i++) {
            InputPreProcessor pre = net.getLayerWiseConfigurations().getInputPreProcess(i);
            if (pre != null) {
                INDArray in = activation;
                activation = pre.preProcess(in, BATCH, NONE);
                add(byKind, "preprocessor " + pre.getClass().getSimpleName(),
                        median(repeats, () -> pre.preProcess(in, BATCH, NONE)), 0);
            }
            Layer layer = net.getLayer(i);
            if (layer instanceof IOutputLayer output) {
                output.setLabels(batch.getLabels());
            }
            inputs[i] = activation;
            INDArray in = activation;
            add(byKind, kind(layer), median(repeats, () -> {
                layer.setInput(in, NONE);
                layer.activate(true, NONE);
            }), 0);
            layer.setInput(in, NONE);
            activation = layer.activate(true, NONE);
        }
        INDArray gradient = null;
        for (int i = n - 1; i >= 0; i--) {
            Layer layer = net.getLayer(i);
            layer.setInput(inputs[i], NONE);
            layer.activate(true, NONE);
            INDArray g = gradient;
            add(byKind, kind(layer), 0, median(repeats, () -> layer.backpropGradient(g, NONE)));
            gradient = layer.backpropGradient(g, NONE).getSecond();
            InputPreProcessor pre = net.getLayerWiseConfigurations().getInputPreProcess(i);
            if (pre != null && gradient != null) {
                gradient = pre.backprop(gradient, BATCH, NONE);
            }
        }
        double forward = 0;
        double backward = 0;
        for (Map.Entry<String, double[]> e : byKind.entrySet()) {
            System.out.printf("layer_kind=\"%s\" count=%d forward_ms=%.1f backward_ms=%.1f%n", e.getKey(),
                    (long) e.getValue()[2], e.getValue()[0], e.getValue()[1]);
            forward += e.getValue()[0];
            backward += e.getValue()[1];
        }
        System.out.printf("isolated_forward_ms=%.1f isolated_backward_ms=%.1f%n", forward, backward);
        System.out.printf("step_ms=%.1f load_1m_end=%.2f%n", median(repeats, () -> net.fit(batch)),
                SystemLoad.oneMinute());
    }

    private static String kind(Layer layer) {
        String name = layer.conf().getLayer().getLayerName();
        return layer.getClass().getSimpleName() + (name.startsWith("b1") || name.equals("pool1") ? " (block 1)" : "");
    }

    /** Adds one call's times; index 2 counts the layers of a kind (once per forward). */
    private static void add(Map<String, double[]> byKind, String kind, double forwardMs, double backwardMs) {
        double[] t = byKind.computeIfAbsent(kind, k -> new double[3]);
        t[0] += forwardMs;
        t[1] += backwardMs;
        if (forwardMs > 0) {
            t[2]++;
        }
    }

    private static double median(int repeats, Runnable call) {
        call.run();
        double[] ms = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            long t0 = System.nanoTime();
            call.run();
            ms[r] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        return ms[repeats / 2];
    }
}
