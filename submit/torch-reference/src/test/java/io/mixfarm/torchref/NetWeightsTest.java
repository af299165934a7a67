package io.mixfarm.torchref;

import io.mixfarm.core.bench.TrialBench;
import io.mixfarm.core.model.InputShape;
import io.mixfarm.core.model.ModelSpec;
import io.mixfarm.core.model.Networks;
import io.mixfarm.core.model.ScaleInvariantNet;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** DL4J's weights in PyTorch's layout: convolutions as they are, dense layers transposed to [out, in]. */
class NetWeightsTest {

    private final ScaleInvariantNet network = Networks.build(ModelSpec.mnistCnn(3), new InputShape(1, 28, 28, 10),
            TrialBench.SCHEDULE, 5);
    private final NetWeights weights = NetWeights.of(network);

    @Test
    void shapesAreTorchs() {
        assertArrayEquals(new long[] {3, 1, 3, 3}, weights.layer("conv1").shape());
        assertArrayEquals(new long[] {6, 3, 3, 3}, weights.layer("conv2").shape());
        assertArrayEquals(new long[] {12, 6 * 12 * 12}, weights.layer("fc1").shape());
        assertArrayEquals(new long[] {10, 12}, weights.layer("out").shape());
    }

    @Test
    void convolutionWeightsKeepTheirIndices() {
        INDArray w = network.param("conv2", "W");
        // torch index [o][i][y][x] = ((o * 3 + i) * 3 + y) * 3 + x
        assertEquals(w.getFloat(4, 2, 1, 0), weights.layer("conv2").values()[((4 * 3 + 2) * 3 + 1) * 3]);
        assertEquals(w.getFloat(5, 0, 2, 2), weights.layer("conv2").values()[((5 * 3) * 3 + 2) * 3 + 2]);
    }

    @Test
    void denseWeightsAreTransposed() {
        INDArray fc1 = network.param("fc1", "W"); // DL4J [in, out]
        int in = 6 * 12 * 12;
        assertEquals(fc1.getFloat(100, 7), weights.layer("fc1").values()[7 * in + 100]);
        INDArray out = network.param("out", "W");
        assertEquals(out.getFloat(11, 9), weights.layer("out").values()[9 * 12 + 11]);
    }

    @Test
    void trainableLayersInOrderThenTheFixedOne() {
        assertEquals(List.of("conv1", "conv2", "fc1", "out"), weights.names());
        assertThrows(IllegalArgumentException.class, () -> weights.layer("bn1"));
    }
}
