package io.mixfarm.torchref;

import io.mixfarm.core.bench.FlopCount;
import io.mixfarm.core.bench.Minibatches;
import io.mixfarm.core.bench.TrialBench;
import io.mixfarm.core.data.Dataset;
import io.mixfarm.core.data.EmbeddedSample;
import io.mixfarm.core.data.SyntheticCifar;
import io.mixfarm.core.model.InputShape;
import io.mixfarm.core.model.ModelSpec;
import io.mixfarm.core.model.Networks;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The FLOPs read off a built network agree with counts made by hand. Needs no libtorch. */
class NetFlopsTest {

    @Test
    void theMnistCnnCountsAsFlopCountSays() {
        Dataset data = EmbeddedSample.load();
        InputShape shape = TrialBench.shape(data.train());
        ModelSpec model = ModelSpec.mnistCnn(8);
        FlopCount read = NetFlops.of(Networks.build(model, shape, TrialBench.SCHEDULE, 1), oneImage(data));
        FlopCount expected = FlopCount.mnistCnn(model, shape);
        assertEquals(expected.forwardPerImage(), read.forwardPerImage());
        assertEquals(expected.trainingPerImage(), read.trainingPerImage());
    }

    @Test
    void preResNet32AtThePaperWidth() {
        Dataset data = SyntheticCifar.dataset(16, 16, 1);
        FlopCount read = NetFlops.of(Networks.build(ModelSpec.preResNet32(16), TrialBench.shape(data.train()),
                TrialBench.SCHEDULE, 1), oneImage(data));
        // Forward MACs: stem 32*32*16*3*9 = 442,368; stage 1, ten 3x3 convolutions of 32*32*16*16*9 = 2,359,296;
        // stages 2 and 3 each a strided 3x3 of 1,179,648, nine 3x3 of 2,359,296 and a 1x1 shortcut of 131,072; the
        // head 64*10 = 640. In all 69,124,736 MACs, two FLOPs each.
        long forwardMacs = 442_368L + 10 * 2_359_296L + 2 * (1_179_648L + 9 * 2_359_296L + 131_072L) + 640L;
        assertEquals(2 * forwardMacs, read.forwardPerImage());
        // Training: three times forward, less the stem's input gradient and the fixed head's weight gradient.
        assertEquals(3 * 2 * forwardMacs - 2 * 442_368L - 2 * 640L, read.trainingPerImage());
    }

    private static INDArray oneImage(Dataset data) {
        return Minibatches.features(data.test().slice(0, 1));
    }
}
