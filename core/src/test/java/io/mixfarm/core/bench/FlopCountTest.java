package io.mixfarm.core.bench;

import io.mixfarm.core.model.InputShape;
import io.mixfarm.core.model.MnistCnn;
import io.mixfarm.core.model.ModelSpec;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FlopCountTest {

    private static final InputShape MNIST = new InputShape(1, 28, 28, 10);

    @Test
    void widthTwoMatchesACountByHand() {
        // conv1: 26x26 outputs x 2 channels x (1 x 3x3) inputs       = 12,168 MACs, weight gradient only
        // conv2: 24x24 outputs x 4 channels x (2 x 3x3) inputs       = 41,472 MACs, input and weight gradients
        // fc1:   (12x12x4 = 576 inputs after the 2x2 pool) x 8 units = 4,608 MACs, input and weight gradients
        // out:   8 x 10                                              = 80 MACs, input gradient only (frozen)
        FlopCount count = FlopCount.mnistCnn(ModelSpec.mnistCnn(2), MNIST);
        assertEquals(2L * (12_168 + 41_472 + 4_608 + 80), count.forwardPerImage());
        assertEquals(2L * (2 * 12_168 + 3 * 41_472 + 3 * 4_608 + 2 * 80), count.trainingPerImage());
    }

    @Test
    void thePaperSizeNetworkIsAbout72MegaflopsPerTrainingImage() {
        // 194,688 + 10,616,832 + 1,179,648 + 1,280 = 11,992,448 forward MACs; the issue's "~1,000 images/s is
        // ~72 GFLOP/s" for libtorch is this count.
        FlopCount count = FlopCount.mnistCnn(ModelSpec.mnistCnn(32), MNIST);
        assertEquals(2L * 11_992_448, count.forwardPerImage());
        assertEquals(2L * (2 * 194_688 + 3 * 10_616_832 + 3 * 1_179_648 + 2 * 1_280), count.trainingPerImage());
        assertEquals(71.56, count.trainingGflops(1000), 0.01);
    }

    @Test
    void layerMacsEqualTheBuiltNetworksOutputsTimesFanIn() {
        // Independent of the shape arithmetic: real output shapes from a forward pass and real weight shapes.
        ModelSpec model = ModelSpec.mnistCnn(3);
        MultiLayerNetwork network = (MultiLayerNetwork) MnistCnn.build(model, MNIST, TrialBench.SCHEDULE, 1)
                .network();
        List<INDArray> activations = network.feedForward(Nd4j.rand(1, MNIST.size()), false);
        // activations.get(0) is the input; then one per layer, in the order of MnistCnn.
        for (LayerFlops layer : FlopCount.mnistCnn(model, MNIST).layers()) {
            int index = network.getLayer(layer.name()).getIndex();
            INDArray weights = network.getLayer(index).getParam("W");
            long outputsPerImage = activations.get(index + 1).length();
            long outputChannels = layer.name().startsWith("conv") ? weights.size(0) : weights.size(1);
            long fanIn = weights.length() / outputChannels;
            assertEquals(outputsPerImage * fanIn, layer.macs(), layer.name());
        }
    }

    @Test
    void everyGradientCostsOneForwardPass() {
        assertEquals(20, new LayerFlops("a", 10, false, false).training());
        assertEquals(40, new LayerFlops("b", 10, true, false).training());
        assertEquals(60, new LayerFlops("c", 10, true, true).training());
    }
}
