package io.mixfarm.core.model;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.ops.transforms.Transforms;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The network's output ignores the scale of each trainable layer's weights (with BN in training mode, i.e. batch
 * statistics, which is what SGD sees). The tolerance is limited by BN's epsilon (1e-8) and float32.
 */
class ScaleInvarianceTest {

    private static final double TOLERANCE = 1e-4;

    @ParameterizedTest(name = "{0} x {1}")
    @CsvSource({"conv1, 0.1", "conv1, 7", "conv2, 0.1", "conv2, 7", "fc1, 0.1", "fc1, 7"})
    void outputsIgnoreTheScaleOfATrainableLayer(String layer, double factor) {
        MultiLayerNetwork network = TinyNets.build(11).network();
        DataSet batch = TinyNets.randomBatch(32, 5);
        INDArray before = network.output(batch.getFeatures(), true);

        INDArray weights = network.getLayer(layer).getParam("W");
        weights.muli(factor);
        INDArray after = network.output(batch.getFeatures(), true);

        double relative = Transforms.abs(after.sub(before)).maxNumber().doubleValue()
                / Transforms.abs(before).maxNumber().doubleValue();
        assertTrue(relative < TOLERANCE, "relative change " + relative + " after scaling " + layer + " by " + factor);
    }

    @ParameterizedTest(name = "out x {0}")
    @CsvSource({"0.1", "7"})
    void theFixedLastLayerIsNotScaleInvariant(double factor) {
        // The control: scaling the last layer changes the softmax, so the comparison above can fail.
        MultiLayerNetwork network = TinyNets.build(11).network();
        DataSet batch = TinyNets.randomBatch(32, 5);
        INDArray before = network.output(batch.getFeatures(), true);
        network.getLayer("out").getParam("W").muli(factor);
        INDArray after = network.output(batch.getFeatures(), true);
        double relative = Transforms.abs(after.sub(before)).maxNumber().doubleValue()
                / Transforms.abs(before).maxNumber().doubleValue();
        assertTrue(relative > 100 * TOLERANCE, "scaling the last layer changed the output by only " + relative);
    }
}
