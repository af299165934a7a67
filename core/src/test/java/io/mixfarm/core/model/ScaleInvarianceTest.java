package io.mixfarm.core.model;

import io.mixfarm.core.schedule.Schedules;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The networks' outputs ignore the scale of each weight group (with BN in training mode, i.e. batch statistics,
 * which is what SGD sees), and the groups hold every trainable weight, so no weight escapes the test. The
 * tolerance is limited by BN's epsilon (1e-8) and float32. Controls show that the comparison can fail.
 */
class ScaleInvarianceTest {

    private static final double TOLERANCE = 1e-4;
    private static final int BATCH = 32;

    static Stream<Arguments> everyGroupOfEveryNetwork() {
        List<Arguments> cases = new ArrayList<>();
        for (String architecture : ModelSpec.ARCHITECTURES) {
            for (WeightGroup group : TinyNets.build(architecture, Schedules.named("Const", 200), 11).groups()) {
                for (double factor : new double[] {0.1, 7}) {
                    cases.add(Arguments.of(architecture, group.name(), factor));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} x {2}")
    @MethodSource("everyGroupOfEveryNetwork")
    void outputsIgnoreTheScaleOfAWeightGroup(String architecture, String groupName, double factor) {
        ScaleInvariantNet net = TinyNets.build(architecture, Schedules.named("Const", 200), 11);
        WeightGroup group = net.groups().stream().filter(g -> g.name().equals(groupName)).findFirst().orElseThrow();
        assertInvariant(net, TinyNets.shape(architecture), group.layers(), factor);
    }

    @ParameterizedTest(name = "{0} x {1}")
    @CsvSource({"s2b1_conv1, 0.1", "s2b1_conv1, 7", "s3b1_conv1, 7", "s1b3_conv1, 0.1"})
    void eachResNetBlocksFirstConvolutionIsInvariantOnItsOwnIncludingTheStridedOnes(String layer, double factor) {
        ScaleInvariantNet net = TinyNets.build(ModelSpec.PRERESNET32, Schedules.named("Const", 200), 11);
        assertInvariant(net, TinyNets.CIFAR, List.of(layer), factor);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {ModelSpec.MNIST_CNN, ModelSpec.PRERESNET32, ModelSpec.VGG16})
    void theGroupsHoldEveryTrainableWeightExactlyOnce(String architecture) {
        ScaleInvariantNet net = TinyNets.build(architecture, Schedules.named("Const", 200), 11);
        List<String> grouped = net.trainableLayers();
        assertEquals(grouped.size(), new HashSet<>(grouped).size(), "a layer in two groups: " + grouped);
        Set<String> withWeights = new HashSet<>();
        for (String layer : layerNames(net)) {
            if (!layer.equals(net.outputLayer()) && !net.frozen().contains(layer)
                    && net.paramTable(layer).containsKey(WeightGroup.WEIGHTS)) {
                withWeights.add(layer);
            }
        }
        assertEquals(withWeights, new HashSet<>(grouped));
        int expected = switch (architecture) {
            case ModelSpec.MNIST_CNN -> 3;
            case ModelSpec.PRERESNET32 -> 31 + 2; // stem, 15 blocks x 2, two downsampling shortcuts
            default -> 13;
        };
        assertEquals(expected, grouped.size());
    }

    @Test
    void theResNetStreamGroupHoldsTheStemEverySecondConvolutionAndBothShortcuts() {
        ScaleInvariantNet net = TinyNets.build(ModelSpec.PRERESNET32, Schedules.named("Const", 200), 11);
        assertEquals(List.of("stream", "inner1", "inner2", "inner3"),
                net.groups().stream().map(WeightGroup::name).toList());
        List<String> stream = net.groups().get(0).layers();
        assertTrue(stream.containsAll(List.of("stem", "s1b1_conv2", "s3b5_conv2", "s2b1_shortcut", "s3b1_shortcut")),
                stream.toString());
        assertEquals(18, stream.size());
    }

    @ParameterizedTest(name = "{0} x {1}")
    @CsvSource({"out, 0.1", "out, 7", "s2b1_shortcut, 7", "s3b1_shortcut, 0.1", "stem, 7", "s1b1_conv2, 7"})
    void controlsPartOfTheStreamOrTheLastLayerAloneIsNotInvariant(String layer, double factor) {
        // Scaling the last layer changes the softmax; scaling one stream writer alone changes the mix of the
        // residual sum (so the shortcut convolutions really are on the path, and only the whole stream group is
        // invariant). Either way the comparison above would see it.
        ScaleInvariantNet net = TinyNets.build(ModelSpec.PRERESNET32, Schedules.named("Const", 200), 11);
        double relative = relativeChange(net, TinyNets.CIFAR, List.of(layer), factor);
        assertTrue(relative > 100 * TOLERANCE, "scaling " + layer + " changed the output by only " + relative);
    }

    @ParameterizedTest(name = "{0} out x {1}")
    @CsvSource({"mnist-cnn, 0.1", "mnist-cnn, 7", "vgg16, 7"})
    void theFixedLastLayerIsNotScaleInvariant(String architecture, double factor) {
        ScaleInvariantNet net = TinyNets.build(architecture, Schedules.named("Const", 200), 11);
        double relative = relativeChange(net, TinyNets.shape(architecture), List.of("out"), factor);
        assertTrue(relative > 100 * TOLERANCE, "scaling the last layer changed the output by only " + relative);
    }

    private static void assertInvariant(ScaleInvariantNet net, InputShape shape, List<String> layers, double factor) {
        double relative = relativeChange(net, shape, layers, factor);
        assertTrue(relative < TOLERANCE, "relative change " + relative + " after scaling " + layers + " by "
                + factor);
    }

    /** Max absolute change of the class probabilities after scaling the layers' weights, relative to their max. */
    private static double relativeChange(ScaleInvariantNet net, InputShape shape, List<String> layers,
                                         double factor) {
        DataSet batch = TinyNets.randomBatch(shape, BATCH, 5);
        INDArray before = net.output(batch.getFeatures(), true);
        for (String layer : layers) {
            net.param(layer, WeightGroup.WEIGHTS).muli(factor);
        }
        INDArray after = net.output(batch.getFeatures(), true);
        return Transforms.abs(after.sub(before)).maxNumber().doubleValue()
                / Transforms.abs(before).maxNumber().doubleValue();
    }

    private static List<String> layerNames(ScaleInvariantNet net) {
        Layer[] layers = net.network() instanceof MultiLayerNetwork chain
                ? chain.getLayers() : ((ComputationGraph) net.network()).getLayers();
        List<String> names = new ArrayList<>();
        for (Layer layer : layers) {
            names.add(layer.conf().getLayer().getLayerName());
        }
        return names;
    }
}
