package io.mixfarm.core.model.fused;

import io.mixfarm.core.model.InputShape;
import io.mixfarm.core.model.Kernels;
import io.mixfarm.core.model.MnistCnn;
import io.mixfarm.core.model.ModelSpec;
import io.mixfarm.core.runtime.RuntimeSetup;
import io.mixfarm.core.schedule.Schedules;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

/**
 * The fused oneDNN layers compute what DL4J's stock layers compute: forward, backward and the SGD steps built on
 * them, and the running statistics. DL4J's layers are the reference (their maths is DL4J's, their kernels its
 * oneDNN helpers); agreement is to float32 rounding, since the two sum in different orders.
 */
class FusedLayersTest {

    private static final InputShape MNIST = new InputShape(1, 28, 28, 10);
    private static final ModelSpec MODEL = ModelSpec.mnistCnn(4);
    private static final List<String> TRAINED = List.of("conv1", "conv2", "fc1");

    @BeforeAll
    static void setUp() {
        RuntimeSetup.configure();
    }

    @Test
    void trainingMatchesDl4jLayersStepByStep() {
        MultiLayerNetwork reference = build(Kernels.DL4J);
        MultiLayerNetwork fused = build(Kernels.FUSED);
        for (String layer : List.of("conv1", "conv2", "fc1", "out")) {
            assertEquals(reference.getLayer(layer).getParam("W"), fused.getLayer(layer).getParam("W"),
                    "initial " + layer);
        }
        // Each step starts from the reference's weights: over several steps float32 rounding compounds (a
        // pre-activation that rounds to the other side of 0 flips a ReLU and moves the gradient by ~1e-5), so
        // comparing trajectories would test chaos, not the layers.
        for (int step = 0; step < 6; step++) {
            for (String layer : TRAINED) {
                fused.getLayer(layer).setParam("W", reference.getLayer(layer).getParam("W").dup());
            }
            DataSet batch = randomBatch(step == 5 ? 37 : 64, step);
            reference.fit(batch);
            fused.fit(batch);
            assertEquals(reference.score(), fused.score(), 1e-5 * Math.abs(reference.score()), "loss, step " + step);
            for (String layer : TRAINED) {
                assertClose(reference.getLayer(layer).getParam("W"), fused.getLayer(layer).getParam("W"), 1e-4,
                        layer + " after step " + step);
            }
        }
        for (String bn : List.of("bn1", "bn2", "bn3")) {
            assertClose(reference.getLayer(bn).getParam("mean"), fused.getLayer(bn).getParam("mean"), 1e-4,
                    bn + " running mean");
            // DL4J's stock layer keeps log10 of the running std; the fused one keeps the variance.
            INDArray log10Std = reference.getLayer(bn).getParam("log10stdev");
            INDArray referenceVar = Transforms.pow(Nd4j.valueArrayOf(log10Std.shape(), 10.0f), log10Std.mul(2));
            assertClose(referenceVar, fused.getLayer(bn).getParam("var"), 1e-4, bn + " running variance");
        }
        for (String layer : TRAINED) {
            fused.getLayer(layer).setParam("W", reference.getLayer(layer).getParam("W").dup());
        }
        INDArray test = randomBatch(50, 99).getFeatures();
        assertClose(reference.output(test, false), fused.output(test, false), 1e-4, "inference outputs");
    }

    @Test
    void batchNormReluIsTheFormulaOnRealActivations() {
        MultiLayerNetwork fused = build(Kernels.FUSED);
        List<INDArray> activations = fused.feedForward(randomBatch(16, 5).getFeatures(), true);
        // activations: 0 input, 1 conv1, 2 bn1 (with ReLU)
        INDArray x = activations.get(1);
        INDArray y = activations.get(2);
        long channels = x.size(3);
        double eps = MODEL.bnEps();
        for (long c = 0; c < channels; c++) {
            INDArray plane = x.get(all(), all(), all(), point(c)).castTo(DataType.DOUBLE);
            double mean = plane.meanNumber().doubleValue();
            double var = plane.sub(mean).muli(plane.sub(mean)).meanNumber().doubleValue();
            INDArray expected = Transforms.relu(plane.sub(mean).divi(Math.sqrt(var + eps)), false);
            INDArray actual = y.get(all(), all(), all(), point(c)).castTo(DataType.DOUBLE);
            assertClose(expected, actual, 1e-4, "channel " + c);
        }
    }

    @Test
    void theFallbackWithoutOneDnnComputesTheSame() {
        MultiLayerNetwork fused = build(Kernels.FUSED);
        String before = System.getProperty(Dnnl.ENABLED_PROPERTY);
        System.setProperty(Dnnl.ENABLED_PROPERTY, "false");
        MultiLayerNetwork fallback;
        try {
            fallback = build(Kernels.FUSED);
        } finally {
            if (before == null) {
                System.clearProperty(Dnnl.ENABLED_PROPERTY);
            } else {
                System.setProperty(Dnnl.ENABLED_PROPERTY, before);
            }
        }
        for (int step = 0; step < 4; step++) {
            DataSet batch = randomBatch(32, 10 + step);
            fused.fit(batch);
            fallback.fit(batch);
        }
        for (String layer : List.of("conv1", "conv2", "fc1")) {
            assertClose(fused.getLayer(layer).getParam("W"), fallback.getLayer(layer).getParam("W"), 1e-4, layer);
        }
        assertClose(fused.getLayer("bn2").getParam("var"), fallback.getLayer("bn2").getParam("var"), 1e-4,
                "bn2 running variance");
        INDArray test = randomBatch(20, 77).getFeatures();
        assertClose(fused.output(test, false), fallback.output(test, false), 1e-4, "inference outputs");
    }

    @Test
    void theFirstConvolutionComputesNoInputGradient() {
        DataSet batch = randomBatch(8, 3);
        MultiLayerNetwork fused = build(Kernels.FUSED);
        MultiLayerNetwork reference = build(Kernels.DL4J);
        assertNull(fused.calculateGradients(batch.getFeatures(), batch.getLabels(), null, null).getSecond());
        assertNotNull(reference.calculateGradients(batch.getFeatures(), batch.getLabels(), null, null).getSecond());
    }

    @Test
    void theConfigurationSurvivesDl4jsJsonCopy() {
        // DL4J copies configurations through JSON (e.g. MultiLayerConfiguration.fromJson): the fused layers and the
        // preprocessor must come back as themselves, computing the same function.
        MultiLayerNetwork fused = build(Kernels.FUSED);
        MultiLayerNetwork copy = new MultiLayerNetwork(org.deeplearning4j.nn.conf.MultiLayerConfiguration
                .fromJson(fused.getLayerWiseConfigurations().toJson()));
        copy.init(fused.params().dup(), false);
        assertEquals(fused.getLayerWiseConfigurations().toJson(), copy.getLayerWiseConfigurations().toJson());
        assertTrue(copy.getLayer("bn2") instanceof BatchNormReluLayer);
        assertTrue(copy.getLayer("conv1") instanceof ChannelsLastConvolutionLayer);
        assertTrue(copy.getLayer("fc1") instanceof BiasFreeDenseLayer);
        INDArray test = randomBatch(10, 5).getFeatures();
        assertEquals(fused.output(test, false), copy.output(test, false));
    }

    @Test
    void flatImagesBecomeChannelsLast() {
        int n = 2;
        int c = 3;
        int h = 2;
        int w = 5;
        INDArray flat = Nd4j.arange(n * c * h * w).castTo(DataType.FLOAT).reshape(n, c * h * w);
        FlatToNhwc pre = new FlatToNhwc(h, w, c);
        INDArray nhwc = pre.preProcess(flat, n, LayerWorkspaceMgr.noWorkspaces());
        assertEquals(List.of((long) n, (long) h, (long) w, (long) c), List.of(nhwc.shape()[0], nhwc.shape()[1],
                nhwc.shape()[2], nhwc.shape()[3]));
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        assertEquals(flat.getFloat(i, (long) ch * h * w + (long) y * w + x),
                                nhwc.getFloat(i, y, x, ch));
                    }
                }
            }
        }
        assertEquals(flat, pre.backprop(nhwc, n, LayerWorkspaceMgr.noWorkspaces()));
    }

    private static MultiLayerNetwork build(Kernels kernels) {
        MultiLayerNetwork network = (MultiLayerNetwork) MnistCnn.build(MODEL, MNIST, Schedules.named("Const", 200),
                11, kernels).network();
        network.setEpochCount(0);
        return network;
    }

    /** Largest absolute difference within {@code tolerance} of the largest magnitude. */
    private static void assertClose(INDArray expected, INDArray actual, double tolerance, String what) {
        INDArray e = expected.castTo(DataType.DOUBLE).reshape(expected.length());
        INDArray a = actual.castTo(DataType.DOUBLE).reshape(actual.length());
        double scale = Math.max(e.amaxNumber().doubleValue(), 1e-12);
        double diff = e.sub(a).amaxNumber().doubleValue();
        assertTrue(diff <= tolerance * scale, what + ": max |difference| " + diff + " > " + tolerance + " * " + scale);
    }

    private static DataSet randomBatch(int size, long seed) {
        Random random = new Random(seed);
        float[] pixels = new float[size * MNIST.size()];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = random.nextFloat();
        }
        INDArray labels = Nd4j.zeros(DataType.FLOAT, size, MNIST.classes());
        for (int i = 0; i < size; i++) {
            labels.putScalar(i, random.nextInt(MNIST.classes()), 1f);
        }
        return new DataSet(Nd4j.create(pixels, new long[] {size, MNIST.size()}, 'c'), labels);
    }
}
