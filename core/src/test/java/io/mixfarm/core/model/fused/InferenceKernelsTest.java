package io.mixfarm.core.model.fused;

import io.mixfarm.core.model.Kernels;
import io.mixfarm.core.model.ModelSpec;
import io.mixfarm.core.model.WeightGroup;
import io.mixfarm.core.runtime.RuntimeSetup;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static io.mixfarm.core.model.fused.FusedLayersTest.assertRelative;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Inference kernels keep the weights in their own (Winograd-transformed) copy between calls, refreshed only when
 * the weights' bits change: every change, by a training step or by setting a parameter, must reach the next
 * prediction. The reference is the same network on DL4J's layers (the fused layers' fallback) with the same
 * parameters.
 */
class InferenceKernelsTest {

    /** Width 16: convolutions of 16 to 128 channels, the outputs from 32x32 to 2x2. */
    private static final ModelSpec MODEL = ModelSpec.vgg16(16);
    /** How far an inference kernel's prediction may be from DL4J's layers' (float32 rounding, folded or not). */
    static final double TOLERANCE = 1e-4;

    @BeforeAll
    static void setUp() {
        RuntimeSetup.configure();
    }

    @Test
    void everyChangeOfTheWeightsReachesTheNextPrediction() {
        MultiLayerNetwork fused = CifarNetworks.vgg16(MODEL, Kernels.FUSED);
        MultiLayerNetwork reference = FusedLayersTest.withoutOneDnn(
                () -> CifarNetworks.vgg16(MODEL, Kernels.FUSED));
        INDArray test = FusedVgg16Test.augmentedBatches(24, 1, 3).get(0).getFeatures();
        List<DataSet> batches = FusedVgg16Test.augmentedBatches(16, 3, 5);

        INDArray before = predictBoth(fused, reference, test, "initial weights");
        predictBoth(fused, reference, test, "initial weights, again");

        for (DataSet batch : batches) {
            fused.fit(batch);
        }
        INDArray trained = predictBoth(fused, reference, test, "after 3 training steps");
        assertChanged(before, trained, "3 training steps");

        INDArray w = fused.getLayer("b4c2").getParam(WeightGroup.WEIGHTS);
        w.assign(Nd4j.randn(DataType.FLOAT, w.shape()).muli(w.std(true).getDouble(0)));
        INDArray set = predictBoth(fused, reference, test, "after setting b4c2's weights");
        assertChanged(trained, set, "setting b4c2's weights");
    }

    /** Both networks' predictions (the reference given the fused one's parameters) agree; the fused ones. */
    private static INDArray predictBoth(MultiLayerNetwork fused, MultiLayerNetwork reference, INDArray test,
                                        String what) {
        reference.setParams(fused.params().dup());
        INDArray actual = fused.output(test, false);
        assertRelative(reference.output(test, false), actual, TOLERANCE, what);
        return actual;
    }

    /** {@code by} moved the predictions far beyond the tolerance the comparisons allow, so they can tell. */
    static void assertChanged(INDArray before, INDArray after, String by) {
        double change = before.sub(after).norm2Number().doubleValue() / before.norm2Number().doubleValue();
        assertTrue(change > 100 * TOLERANCE, by + " moved the predictions by only " + change
                + ": the check above could not tell stale parameters");
    }
}
