package io.mixfarm.core.model.fused;

import io.mixfarm.core.model.Kernels;
import io.mixfarm.core.model.ModelSpec;
import io.mixfarm.core.model.WeightGroup;
import io.mixfarm.core.runtime.RuntimeSetup;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.mixfarm.core.model.fused.FusedLayersTest.NO_WORKSPACES;
import static io.mixfarm.core.model.fused.FusedLayersTest.activate;
import static io.mixfarm.core.model.fused.FusedLayersTest.assertRelative;
import static io.mixfarm.core.model.fused.FusedVgg16Test.FLOAT32_REACH;
import static io.mixfarm.core.model.fused.FusedVgg16Test.TOLERANCE;
import static io.mixfarm.core.model.fused.FusedVgg16Test.augmentedBatches;
import static io.mixfarm.core.model.fused.FusedVgg16Test.nhwc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * PreResNet32 on the fused layers (channels-last) computes what DL4J's stock PreResNet32 (channels-first) computes,
 * layer by layer and as a whole, on augmented CIFAR batches: {@link FusedVgg16Test}'s method through the graph
 * ({@link FusedLayersTest.LayerPass#of(ComputationGraph, org.nd4j.linalg.dataset.DataSet)}). Each fused layer gets
 * the input and the output gradient the stock layer saw, moved to channels-last; where a vertex is read twice (the
 * residual stream by a block's {@code bn1} and its addition, a downsampling block's {@code bn1} by its ReLU and its
 * shortcut) that gradient is the sum of both, as DL4J's graph forms it.
 */
class FusedPreResNet32Test {

    /** Network states: the initial weights and one trained by the stock network. */
    private static final int STATES = 2;
    /** The stem, 15 blocks of two 3x3 convolutions, the two downsampling shortcuts. */
    private static final int CONVOLUTIONS = 1 + 15 * 2 + 2;
    /** Every BN of the network (two per block and the final one) but the downsampling blocks' {@code bn1}. */
    private static final int BN_RELUS = 15 * 2 + 1 - 2;

    @BeforeAll
    static void setUp() {
        RuntimeSetup.configure();
    }

    @Test
    void everyFusedLayerComputesWhatDl4jsComputesOnAugmentedCifarBatches() {
        compareLayers(4, 32);
    }

    /**
     * The same at the paper's width (16: 16 to 64 channels), in batches of 32 (as {@link FusedVgg16Test}'s, the
     * kept activations of every layer would outgrow a shared machine at 128), opt-in:
     * {@code -Dmixfarm.fused.paper-width=true}.
     */
    @Test
    @EnabledIfSystemProperty(named = "mixfarm.fused.paper-width", matches = "true")
    void everyFusedLayerComputesWhatDl4jsComputesAtThePaperWidth() {
        compareLayers(ModelSpec.paperWidth(ModelSpec.PRERESNET32), 32);
    }

    /**
     * The fused network as a whole, its wiring included (channels-last from the input preprocessor, the shortcuts
     * reading {@code bn1}'s output before its ReLU, the residual additions, the pool over NHWC's spatial axes): loss
     * and every weight gradient as close to a float64 copy of the stock network as float32 gets; and its float64
     * copy, which runs the fused layers' fallback (DL4J's layers on channels-last), is that float64 network.
     */
    @Test
    void theFusedNetworkIsTheStockNetworkAsAWhole() {
        ModelSpec model = ModelSpec.preResNet32(4);
        ComputationGraph stock = CifarNetworks.preResNet32(model, Kernels.DL4J);
        ComputationGraph fused = CifarNetworks.preResNet32(model, Kernels.FUSED);
        assertInstanceOf(ChannelsLastConvolutionLayer.class, fused.getLayer("stem"));
        assertInstanceOf(ChannelsLastConvolutionLayer.class, fused.getLayer("s3b1_shortcut"));
        assertInstanceOf(BatchNormReluLayer.class, fused.getLayer("s3b5_bn2"));
        assertFalse(((BatchNormRelu) fused.getLayer("s2b1_bn1").conf().getLayer()).isRelu(),
                "the shortcut reads s2b1_bn1 before its ReLU");
        CifarNetworks.copyWeights(stock::getLayer, fused.getLayers());
        DataSet batch = augmentedBatches(32, 1, 7).get(0);
        DataSet batch64 = new DataSet(batch.getFeatures().castTo(DataType.DOUBLE),
                batch.getLabels().castTo(DataType.DOUBLE));
        ComputationGraph exact = stock.convertDataType(DataType.DOUBLE);
        Map<String, INDArray> expected = weightGradients(exact, batch64);
        assertEquals(CONVOLUTIONS + 1, expected.size(), "the convolutions and the fixed last layer: "
                + expected.keySet());
        double loss = crossEntropy(exact, batch64);
        for (ComputationGraph network : List.of(stock, fused)) {
            String at = (network == fused ? "fused" : "stock") + " layers: ";
            assertEquals(loss, crossEntropy(network, batch), 1e-5 * loss, at + "loss");
            Map<String, INDArray> actual = weightGradients(network, batch);
            assertEquals(expected.keySet(), actual.keySet(), at + "layers with weight gradients");
            for (String layer : expected.keySet()) {
                assertRelative(expected.get(layer), actual.get(layer), FLOAT32_REACH, at + layer + " gradient");
            }
        }
        ComputationGraph fallback = fused.convertDataType(DataType.DOUBLE);
        assertEquals(loss, crossEntropy(fallback, batch64), 1e-12 * loss, "fallback loss");
        Map<String, INDArray> actual = weightGradients(fallback, batch64);
        for (String layer : expected.keySet()) {
            assertRelative(expected.get(layer), actual.get(layer), 1e-9, "fallback " + layer + " gradient");
        }
    }

    private static void compareLayers(int width, int batchSize) {
        ModelSpec model = ModelSpec.preResNet32(width);
        ComputationGraph stock = CifarNetworks.preResNet32(model, Kernels.DL4J);
        ComputationGraph fused = CifarNetworks.preResNet32(model, Kernels.FUSED);
        List<DataSet> batches = augmentedBatches(batchSize, STATES, 5);
        for (int state = 0; state < STATES; state++) {
            CifarNetworks.copyWeights(stock::getLayer, fused.getLayers());
            String at = "width " + width + ", state " + state + ": ";
            FusedLayersTest.LayerPass pass = FusedLayersTest.LayerPass.of(stock, batches.get(state));
            int convolutions = 0;
            int bnRelus = 0;
            int bnsAlone = 0;
            for (int index : fused.topologicalSortOrder()) {
                if (!fused.getVertices()[index].hasLayer()) {
                    continue; // the input and the residual additions, DL4J's in both
                }
                Layer layer = fused.getVertices()[index].getLayer();
                String name = layer.conf().getLayer().getLayerName();
                if (layer instanceof ChannelsLastConvolutionLayer) {
                    FusedVgg16Test.compareConvolution(layer, pass, name, name.equals("stem"), at);
                    convolutions++;
                } else if (layer instanceof BatchNormReluLayer) {
                    String relu = name.replace("bn", "relu");
                    if (((BatchNormRelu) layer.conf().getLayer()).isRelu()) {
                        FusedVgg16Test.compareBatchNormRelu(stock::getLayer, fused::getLayer, pass, name, relu, at);
                        bnRelus++;
                    } else {
                        FusedVgg16Test.compareBatchNormRelu(stock::getLayer, fused::getLayer, pass, name, null, at);
                        compareChannelsLast(fused.getLayer(relu), pass, relu, at);
                        bnsAlone++;
                    }
                }
            }
            assertEquals(CONVOLUTIONS, convolutions, at + "fused convolutions");
            assertEquals(BN_RELUS, bnRelus, at + "fused BN + ReLU layers");
            assertEquals(2, bnsAlone, at + "fused BNs without ReLU (the downsampling blocks' bn1)");
            comparePool(fused.getLayer("pool"), pass, at);
            if (state < STATES - 1) {
                stock.fit(batches.get(state));
            }
        }
    }

    /** DL4J's ReLU layer on channels-last activations against the stock one: output, input gradient. */
    private static void compareChannelsLast(Layer layer, FusedLayersTest.LayerPass pass, String name, String at) {
        assertInstanceOf(ActivationLayer.class, layer.conf().getLayer());
        assertRelative(nhwc(pass.output(name)), activate(layer, nhwc(pass.input(name))), TOLERANCE,
                at + name + " output");
        assertRelative(nhwc(pass.inputGradient(name)),
                layer.backpropGradient(nhwc(pass.outputGradient(name)), NO_WORKSPACES).getSecond(), TOLERANCE,
                at + name + " input gradient");
    }

    /** The global average pool over NHWC's spatial axes against the stock one over NCHW's. */
    private static void comparePool(Layer layer, FusedLayersTest.LayerPass pass, String at) {
        assertInstanceOf(GlobalPoolingLayer.class, layer.conf().getLayer());
        assertRelative(pass.output("pool"), activate(layer, nhwc(pass.input("pool"))), TOLERANCE, at + "pool output");
        assertRelative(nhwc(pass.inputGradient("pool")),
                layer.backpropGradient(pass.outputGradient("pool"), NO_WORKSPACES).getSecond(), TOLERANCE,
                at + "pool input gradient");
    }

    /** The gradient of every layer's weights {@code W} for {@code batch}, by layer name. */
    private static Map<String, INDArray> weightGradients(ComputationGraph network, DataSet batch) {
        network.setInput(0, batch.getFeatures());
        network.setLabel(0, batch.getLabels());
        network.computeGradientAndScore();
        Map<String, INDArray> byLayer = new LinkedHashMap<>();
        for (Layer layer : network.getLayers()) {
            String name = layer.conf().getLayer().getLayerName();
            INDArray w = network.gradient().getGradientFor(name + "_" + WeightGroup.WEIGHTS);
            if (w != null) {
                byLayer.put(name, w.dup());
            }
        }
        return byLayer;
    }

    /** The mean cross-entropy of the batch in training mode (DL4J's score would add the weight decay term). */
    private static double crossEntropy(ComputationGraph network, DataSet batch) {
        return FusedLayersTest.crossEntropy(network.outputSingle(true, batch.getFeatures()), batch.getLabels());
    }
}
