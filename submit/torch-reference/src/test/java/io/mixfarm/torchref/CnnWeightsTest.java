package io.mixfarm.torchref;

import io.mixfarm.core.bench.TrialBench;
import io.mixfarm.core.model.InputShape;
import io.mixfarm.core.model.MnistCnn;
import io.mixfarm.core.model.ModelSpec;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** DL4J's weights in PyTorch's layout: convolutions as they are, dense layers transposed to [out, in]. */
class CnnWeightsTest {

    private final MultiLayerNetwork network = (MultiLayerNetwork) MnistCnn.build(ModelSpec.mnistCnn(3), new InputShape(1, 28, 28, 10),
            TrialBench.SCHEDULE, 5).network();
    private final CnnWeights weights = CnnWeights.of(network);

    @Test
    void shapesAreTorchs() {
        assertArrayEquals(new long[] {3, 1, 3, 3}, weights.conv1().shape());
        assertArrayEquals(new long[] {6, 3, 3, 3}, weights.conv2().shape());
        assertArrayEquals(new long[] {12, 6 * 12 * 12}, weights.fc1().shape());
        assertArrayEquals(new long[] {10, 12}, weights.out().shape());
    }

    @Test
    void convolutionWeightsKeepTheirIndices() {
        INDArray w = network.getLayer("conv2").getParam("W");
        // torch index [o][i][y][x] = ((o * 3 + i) * 3 + y) * 3 + x
        assertEquals(w.getFloat(4, 2, 1, 0), weights.conv2().values()[((4 * 3 + 2) * 3 + 1) * 3]);
        assertEquals(w.getFloat(5, 0, 2, 2), weights.conv2().values()[((5 * 3) * 3 + 2) * 3 + 2]);
    }

    @Test
    void denseWeightsAreTransposed() {
        INDArray fc1 = network.getLayer("fc1").getParam("W"); // DL4J [in, out]
        int in = 6 * 12 * 12;
        assertEquals(fc1.getFloat(100, 7), weights.fc1().values()[7 * in + 100]);
        INDArray out = network.getLayer("out").getParam("W");
        assertEquals(out.getFloat(11, 9), weights.out().values()[9 * 12 + 11]);
    }

    @Test
    void trainableGroupsByName() {
        assertEquals(weights.fc1(), weights.group("fc1"));
        assertEquals(CnnWeights.TRAINABLE.size(), 3);
    }
}
