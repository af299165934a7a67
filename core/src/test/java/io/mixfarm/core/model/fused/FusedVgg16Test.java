package io.mixfarm.core.model.fused;

import io.mixfarm.core.data.ImageSet;
import io.mixfarm.core.data.Normalisation;
import io.mixfarm.core.data.PadCropFlip;
import io.mixfarm.core.data.SyntheticCifar;
import io.mixfarm.core.model.Kernels;
import io.mixfarm.core.model.ModelSpec;
import io.mixfarm.core.runtime.RuntimeSetup;
import io.mixfarm.core.trial.ImageBatches;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.IntStream;

import static io.mixfarm.core.model.fused.FusedLayersTest.NO_WORKSPACES;
import static io.mixfarm.core.model.fused.FusedLayersTest.activate;
import static io.mixfarm.core.model.fused.FusedLayersTest.assertRelative;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * VGG16 on the fused layers (channels-last) computes what DL4J's stock VGG16 (channels-first) computes, layer by
 * layer and as a whole, on the batches a CIFAR trial trains on: synthetic CIFAR-10 images through the trial's
 * pad-crop-flip augmentation and per-channel normalisation ({@link ImageBatches}). The method is
 * {@link FusedLayersTest}'s (why layer by layer: its Javadoc and docs/performance.md, "How exact the fused layers
 * are"): each fused layer gets the input and output gradient the stock layer saw, moved to channels-last.
 */
class FusedVgg16Test {

    /** Of every layer comparison, relative to the stock layer's norm (issue 15's bound). */
    static final double TOLERANCE = 1e-3;
    /** Of a whole network's float32 gradients against float64 (as in FusedLayersTest). */
    static final double FLOAT32_REACH = 3e-2;
    /** Network states: the initial weights and one trained by the stock network. */
    private static final int STATES = 2;

    @BeforeAll
    static void setUp() {
        RuntimeSetup.configure();
    }

    @Test
    void everyFusedLayerComputesWhatDl4jsComputesOnAugmentedCifarBatches() {
        compareLayers(4, 32);
    }

    /**
     * The same at the paper's width (64: 64 to 512 channels), in batches of 32: every layer's input, output and
     * gradients are kept, which at batch 128 outgrew the memory of a shared machine (the JVM was killed), so
     * opt-in: {@code -Dmixfarm.fused.paper-width=true}.
     */
    @Test
    @EnabledIfSystemProperty(named = "mixfarm.fused.paper-width", matches = "true")
    void everyFusedLayerComputesWhatDl4jsComputesAtThePaperWidth() {
        compareLayers(ModelSpec.paperWidth(ModelSpec.VGG16), 32);
    }

    /**
     * The fused network as a whole, its wiring included (channels-last from the input preprocessor to the
     * flattening before the fixed last layer): loss and every weight gradient as close to a float64 copy of the
     * stock network as float32 gets; and its float64 copy, which runs the fused layers' fallback (DL4J's layers on
     * channels-last), is that float64 network.
     */
    @Test
    void theFusedNetworkIsTheStockNetworkAsAWhole() {
        ModelSpec model = ModelSpec.vgg16(4);
        MultiLayerNetwork stock = CifarNetworks.vgg16(model, Kernels.DL4J);
        MultiLayerNetwork fused = CifarNetworks.vgg16(model, Kernels.FUSED);
        assertInstanceOf(ChannelsLastConvolutionLayer.class, fused.getLayer("b3c2"));
        assertInstanceOf(BatchNormReluLayer.class, fused.getLayer("b5c3_bn"));
        assertInstanceOf(ChannelsLastMaxPoolingLayer.class, fused.getLayer("pool5"));
        CifarNetworks.copyWeights(stock::getLayer, fused.getLayers());
        DataSet batch = augmentedBatches(32, 1, 7).get(0);
        DataSet batch64 = new DataSet(batch.getFeatures().castTo(DataType.DOUBLE),
                batch.getLabels().castTo(DataType.DOUBLE));
        MultiLayerNetwork exact = stock.convertDataType(DataType.DOUBLE);
        Map<String, INDArray> expected = FusedLayersTest.weightGradients(exact, batch64);
        assertEquals(14, expected.size(), "13 convolutions and the fixed last layer: " + expected.keySet());
        double loss = FusedLayersTest.crossEntropy(exact, batch64);
        for (MultiLayerNetwork network : List.of(stock, fused)) {
            String at = (network == fused ? "fused" : "stock") + " layers: ";
            assertEquals(loss, FusedLayersTest.crossEntropy(network, batch), 1e-5 * loss, at + "loss");
            Map<String, INDArray> actual = FusedLayersTest.weightGradients(network, batch);
            assertEquals(expected.keySet(), actual.keySet(), at + "layers with weight gradients");
            for (String layer : expected.keySet()) {
                assertRelative(expected.get(layer), actual.get(layer), FLOAT32_REACH, at + layer + " gradient");
            }
        }
        MultiLayerNetwork fallback = fused.convertDataType(DataType.DOUBLE);
        assertEquals(loss, FusedLayersTest.crossEntropy(fallback, batch64), 1e-12 * loss, "fallback loss");
        Map<String, INDArray> actual = FusedLayersTest.weightGradients(fallback, batch64);
        for (String layer : expected.keySet()) {
            assertRelative(expected.get(layer), actual.get(layer), 1e-9, "fallback " + layer + " gradient");
        }
    }

    private static void compareLayers(int width, int batchSize) {
        ModelSpec model = ModelSpec.vgg16(width);
        MultiLayerNetwork stock = CifarNetworks.vgg16(model, Kernels.DL4J);
        MultiLayerNetwork fused = CifarNetworks.vgg16(model, Kernels.FUSED);
        List<DataSet> batches = augmentedBatches(batchSize, STATES, 5);
        List<String> convolutions = convolutions(fused);
        assertEquals(13, convolutions.size(), convolutions.toString());
        for (int state = 0; state < STATES; state++) {
            CifarNetworks.copyWeights(stock::getLayer, fused.getLayers());
            String at = "width " + width + ", state " + state + ": ";
            FusedLayersTest.LayerPass pass = FusedLayersTest.LayerPass.of(stock, batches.get(state));
            for (String name : convolutions) {
                compareConvolution(fused.getLayer(name), pass, name, name.equals(convolutions.get(0)), at);
                compareBatchNormRelu(stock::getLayer, fused::getLayer, pass, name + "_bn", name + "_relu", at);
            }
            for (int b = 1; b <= 5; b++) {
                String pool = "pool" + b;
                Layer layer = fused.getLayer(pool);
                assertInstanceOf(ChannelsLastMaxPoolingLayer.class, layer);
                assertRelative(nhwc(pass.output(pool)), activate(layer, nhwc(pass.input(pool))), TOLERANCE,
                        at + pool + " output");
                // Where a window's maximum is a tie (windows of ReLU zeros), which input takes the gradient is a
                // convention; the ReLU before the pooling zeroes the gradient of every zero, so compare the rest.
                INDArray positive = nhwc(pass.input(pool)).gt(0).castTo(DataType.FLOAT);
                assertRelative(nhwc(pass.inputGradient(pool)).mul(positive),
                        layer.backpropGradient(nhwc(pass.outputGradient(pool)), NO_WORKSPACES).getSecond()
                                .mul(positive), TOLERANCE, at + pool + " input gradient");
            }
            if (state < STATES - 1) {
                stock.fit(batches.get(state));
            }
        }
    }

    /**
     * A fused convolution against the stock one: output in training and in inference (whose kernels may be other:
     * Winograd), weight gradient, input gradient ({@code readsImages}: none, since nothing reads it).
     */
    static void compareConvolution(Layer layer, FusedLayersTest.LayerPass pass, String name, boolean readsImages,
                                   String at) {
        assertRelative(nhwc(pass.output(name)), activate(layer, nhwc(pass.input(name)), false), TOLERANCE,
                at + name + " inference output");
        assertRelative(nhwc(pass.output(name)), activate(layer, nhwc(pass.input(name))), TOLERANCE,
                at + name + " output");
        Pair<Gradient, INDArray> gradients = layer.backpropGradient(nhwc(pass.outputGradient(name)), NO_WORKSPACES);
        assertRelative(pass.weightGradient(name),
                gradients.getFirst().getGradientFor(DefaultParamInitializer.WEIGHT_KEY), TOLERANCE,
                at + name + " weight gradient");
        if (readsImages) {
            assertNull(gradients.getSecond(), at + "nothing reads the first layer's input gradient");
        } else {
            assertRelative(nhwc(pass.inputGradient(name)), gradients.getSecond(), TOLERANCE,
                    at + name + " input gradient");
        }
    }

    /**
     * The fused BN + ReLU against the stock pair (layers by name): training output, input gradient, batch
     * statistics, inference. With {@code relu} {@code null}, the fused BN without its ReLU against the stock BN.
     */
    static void compareBatchNormRelu(Function<String, Layer> stock, Function<String, Layer> fused,
                                     FusedLayersTest.LayerPass pass, String bn, String relu, String at) {
        Layer layer = fused.apply(bn);
        INDArray x = nhwc(pass.input(bn));
        String last = relu == null ? bn : relu;
        String what = at + bn + (relu == null ? "" : " + relu");
        assertRelative(nhwc(pass.output(last)), activate(layer, x), TOLERANCE, what + " output");
        FusedLayersTest.RunningStatistics before = FusedLayersTest.RunningStatistics.of(layer);
        Pair<Gradient, INDArray> gradients = layer.backpropGradient(nhwc(pass.outputGradient(last)), NO_WORKSPACES);
        assertRelative(nhwc(pass.inputGradient(bn)), gradients.getSecond(), TOLERANCE, what + " input gradient");
        FusedLayersTest.RunningStatistics taken = before.batchTakenUp(gradients.getFirst(),
                FusedLayersTest.decay(layer));
        FusedLayersTest.RunningStatistics exact = FusedLayersTest.RunningStatistics.ofBatch(x);
        assertRelative(exact.mean(), taken.mean(), TOLERANCE, at + bn + " batch mean");
        assertRelative(exact.variance(), taken.variance(), TOLERANCE, at + bn + " batch variance");

        Layer stockBn = stock.apply(bn);
        layer.setParam(BatchNormalizationParamInitializer.GLOBAL_MEAN,
                stockBn.getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN).dup());
        layer.setParam(BatchNormalizationParamInitializer.GLOBAL_VAR, FusedLayersTest.referenceVariance(stockBn));
        INDArray expected = activate(stockBn, pass.input(bn), false);
        if (relu != null) {
            expected = activate(stock.apply(relu), expected, false);
        }
        assertRelative(nhwc(expected), activate(layer, x, false), TOLERANCE, what + " inference");
    }

    /**
     * Training batches as a CIFAR trial draws them: synthetic CIFAR-10 images, pad-crop-flip, per-channel
     * normalisation, in flat CHW rows (the fused network's input preprocessor makes them channels-last).
     */
    static List<DataSet> augmentedBatches(int batchSize, int count, long seed) {
        ImageSet images = SyntheticCifar.images(batchSize * count, new SplittableRandom(seed));
        ImageBatches batches = ImageBatches.training(images, Normalisation.perChannel(images),
                new PadCropFlip(PadCropFlip.CIFAR_PAD), seed);
        List<DataSet> out = new ArrayList<>();
        for (int b = 0; b < count; b++) {
            out.add(batches.batch(IntStream.range(b * batchSize, (b + 1) * batchSize).toArray()));
        }
        return out;
    }

    /** The convolutions' names, in network order. */
    private static List<String> convolutions(MultiLayerNetwork network) {
        List<String> names = new ArrayList<>();
        for (Layer layer : network.getLayers()) {
            if (layer instanceof ChannelsLastConvolutionLayer) {
                names.add(layer.conf().getLayer().getLayerName());
            }
        }
        return names;
    }

    /** A stock activation or gradient {@code [N, C, H, W]} as the fused network holds it, {@code [N, H, W, C]}. */
    static INDArray nhwc(INDArray nchw) {
        return nchw.permute(0, 2, 3, 1).dup('c');
    }
}
