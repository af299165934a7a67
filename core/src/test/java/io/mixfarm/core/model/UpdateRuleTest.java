package io.mixfarm.core.model;

import io.mixfarm.core.schedule.Schedule;
import io.mixfarm.core.schedule.Schedules;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The update DL4J applies is exactly the paper's, with the schedule's values of the epoch, on the trainable groups
 * only: {@code w <- (1 - eta*lambda) w - eta*grad} without momentum, and the appendix C.1 form
 * {@code v <- beta*v + grad + lambda*w; w <- w - eta*v} with it. Observed from real parameter updates, not from the
 * configuration, on the MNIST chain and on the ResNet graph.
 */
class UpdateRuleTest {

    private static final List<Integer> EPOCHS = List.of(1, 40, 41, 80, 81, 120, 121);
    private static final int BATCH = 16;
    /** |eta*g| / |w| an observed step is brought up to (see observeStep). */
    private static final double STEP_TO_WEIGHTS = 0.1;
    /** BN's running statistics: parameters in DL4J, but averaged, not trained; they are meant to move. */
    private static final List<String> RUNNING_STATISTICS = List.of("mean", "var", "log10stdev");

    /** The learning rate and weight decay one observed SGD step applied to a layer. */
    record Observed(double lr, double wd) {
    }

    @ParameterizedTest
    @ValueSource(strings = {"Const", "LR-decay", "WD-decay"})
    void appliedLearningRateAndWeightDecayFollowTheScheduleEpochByEpoch(String name) {
        Schedule schedule = Schedules.named(name, 200);
        ScaleInvariantNet net = TinyNets.build(schedule, 3);
        DataSet batch = TinyNets.randomBatch(BATCH, 9);
        for (int epoch : EPOCHS) {
            for (String layer : net.trainableLayers()) {
                assertObserved(schedule, epoch, layer, observeStep(net, layer, batch, epoch, schedule.lr(epoch)));
            }
        }
    }

    @Test
    void aTable1ScheduleDrivesTheResNetGraphEpochByEpoch() {
        // Schedule_4 changes LR and WD together at every boundary; at 12 epochs they are 2, 3, 4, 5, 6 and 11.
        Schedule schedule = Schedules.named("Schedule_4", 12);
        ScaleInvariantNet net = TinyNets.build(ModelSpec.PRERESNET32, schedule, 3);
        assertInstanceOf(ComputationGraph.class, net.network());
        DataSet batch = TinyNets.randomBatch(TinyNets.CIFAR, BATCH, 9);
        for (int epoch : List.of(1, 2, 3, 5, 6, 10, 11)) {
            for (String layer : List.of("stem", "s2b1_conv1", "s2b1_shortcut", "s3b5_conv2")) {
                assertObserved(schedule, epoch, layer, observeStep(net, layer, batch, epoch, schedule.lr(epoch)));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {ModelSpec.MNIST_CNN, ModelSpec.PRERESNET32, ModelSpec.VGG16})
    void oneStepShrinksTheWeightsByExactlyOneMinusEtaLambda(String architecture) {
        Schedule schedule = Schedule.parse("probe", "1: lr=0.4 wd=0.1");
        ScaleInvariantNet net = TinyNets.build(architecture, schedule, 4);
        DataSet batch = TinyNets.randomBatch(TinyNets.shape(architecture), BATCH, 10);
        net.startEpoch(1);

        Map<String, INDArray> before = new HashMap<>();
        Map<String, INDArray> gradients = new HashMap<>();
        for (String layer : net.trainableLayers()) {
            before.put(layer, weights(net, layer).dup());
            gradients.put(layer, meanGradient(net, layer, batch));
        }
        net.fit(batch);

        for (String layer : net.trainableLayers()) {
            INDArray w = before.get(layer);
            INDArray g = gradients.get(layer);
            INDArray expected = w.mul(1 - 0.4 * 0.1).subi(g.mul(0.4));
            INDArray doubled = w.mul(1 - 2 * 0.4 * 0.1).subi(g.mul(0.4));
            double scale = Transforms.abs(w).maxNumber().doubleValue();
            INDArray after = weights(net, layer);
            double error = maxAbsDiff(after, expected) / scale;
            assertTrue(error < 1e-5, layer + ": update differs from the formula by " + error);
            assertTrue(maxAbsDiff(after, doubled) / scale > 1e-3, layer + ": weight decay applied twice");
        }
    }

    /**
     * Two steps across a learning-rate change: {@code v1 = g1 + lambda w0, w1 = w0 - eta1 v1}, then
     * {@code v2 = beta v1 + g2 + lambda w1, w2 = w1 - eta2 v2}. Controls: DL4J's own convention (learning rate inside
     * the velocity) and decoupled weight decay (SGDW) give measurably different weights, so the test can fail.
     */
    @ParameterizedTest
    @ValueSource(strings = {ModelSpec.MNIST_CNN, ModelSpec.PRERESNET32})
    void momentumStepsAreTheAppendixC1HeavyBallWithWeightDecayInsideTheVelocity(String architecture) {
        double eta1 = 0.4;
        double eta2 = 0.2;
        double lambda = 0.1;
        double beta = 0.9;
        Schedule schedule = Schedule.parse("probe", "1: lr=0.4 wd=0.1 momentum=0.9; 2: lr=0.2");
        ScaleInvariantNet net = TinyNets.build(architecture, schedule, 4);
        DataSet first = TinyNets.randomBatch(TinyNets.shape(architecture), BATCH, 10);
        DataSet second = TinyNets.randomBatch(TinyNets.shape(architecture), BATCH, 11);
        List<String> layers = ModelSpec.MNIST_CNN.equals(architecture) ? net.trainableLayers()
                : List.of("stem", "s1b2_conv1", "s2b1_shortcut", "s3b5_conv2");

        Map<String, INDArray> w0 = new HashMap<>();
        Map<String, INDArray> v1 = new HashMap<>();
        for (String layer : layers) {
            w0.put(layer, weights(net, layer).dup());
            v1.put(layer, meanGradient(net, layer, first).addi(w0.get(layer).mul(lambda)));
        }
        net.startEpoch(1);
        net.fit(first);
        Map<String, INDArray> w1 = new HashMap<>();
        Map<String, INDArray> g2 = new HashMap<>();
        for (String layer : layers) {
            w1.put(layer, weights(net, layer).dup());
            double scale = Transforms.abs(w0.get(layer)).maxNumber().doubleValue();
            INDArray expected = w0.get(layer).sub(v1.get(layer).mul(eta1));
            assertTrue(maxAbsDiff(w1.get(layer), expected) / scale < 1e-5, layer + ": first step");
            g2.put(layer, meanGradient(net, layer, second));
        }
        net.startEpoch(2);
        net.fit(second);

        for (String layer : layers) {
            INDArray w = w1.get(layer);
            INDArray decayed = g2.get(layer).add(w.mul(lambda));
            INDArray expected = w.sub(v1.get(layer).mul(beta).addi(decayed).muli(eta2));
            INDArray lrInside = w.sub(v1.get(layer).mul(beta * eta1)).subi(decayed.mul(eta2));
            INDArray decoupled = w.sub(meanFree(v1.get(layer), w0.get(layer), lambda).muli(beta)
                    .addi(g2.get(layer)).muli(eta2)).subi(w.mul(eta2 * lambda));
            double scale = Transforms.abs(w).maxNumber().doubleValue();
            INDArray after = weights(net, layer);
            assertTrue(maxAbsDiff(after, expected) / scale < 1e-5,
                    layer + ": second step differs from the heavy-ball formula by " + maxAbsDiff(after, expected));
            assertTrue(maxAbsDiff(after, lrInside) / scale > 1e-3, layer + ": indistinguishable from lr inside v");
            assertTrue(maxAbsDiff(after, decoupled) / scale > 1e-3, layer + ": indistinguishable from SGDW");
        }
    }

    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource(delimiter = '|', textBlock = """
            mnist-cnn   | 1: lr=0.4 wd=0.1
            mnist-cnn   | 1: lr=0.4 wd=0.1 momentum=0.9
            preresnet32 | 1: lr=0.4 wd=0.1
            preresnet32 | 1: lr=0.4 wd=0.1 momentum=0.9
            vgg16       | 1: lr=0.4 wd=0.1 momentum=0.9
            """)
    void theLastLayerAndTheBatchNormConstantsNeverChange(String architecture, String text) {
        ScaleInvariantNet net = TinyNets.build(architecture, Schedule.parse("probe", text), 5);
        Map<String, INDArray> frozen = new HashMap<>();
        for (String layer : net.frozen()) {
            net.paramTable(layer).forEach((key, value) -> frozen.put(layer + "_" + key, value.dup()));
        }
        String bn = net.frozen().get(0);
        INDArray runningMean = net.param(bn, "mean").dup();
        String trained = net.trainableLayers().get(0);
        INDArray w = weights(net, trained).dup();

        net.startEpoch(1);
        for (int step = 0; step < 3; step++) {
            net.fit(TinyNets.randomBatch(TinyNets.shape(architecture), BATCH, 100 + step));
        }

        for (String layer : net.frozen()) {
            net.paramTable(layer).forEach((key, value) -> {
                if (!RUNNING_STATISTICS.contains(key)) {
                    assertEquals(frozen.get(layer + "_" + key), value, layer + " " + key + " changed");
                }
            });
        }
        assertEquals(1.0, net.param(bn, "gamma").minNumber().doubleValue());
        assertEquals(0.0, net.param(bn, "beta").maxNumber().doubleValue());
        // Controls: the trainable weights and BN's running statistics do move.
        assertNotEquals(w, weights(net, trained));
        assertNotEquals(runningMean, net.param(bn, "mean"));
    }

    @Test
    void theLastLayerIsDrawnFromNormalWithVarianceOneOverFanIn() {
        INDArray out = TinyNets.build(6).param("out", WeightGroup.WEIGHTS);
        long fanIn = out.size(0);
        double variance = out.varNumber().doubleValue();
        // 16 x 10 = 160 draws: the sample variance is within ~35% of the truth with overwhelming probability.
        assertEquals(1.0 / fanIn, variance, 0.35 / fanIn);
        assertEquals(0.0, out.meanNumber().doubleValue(), 4 / Math.sqrt(160 * fanIn));
    }

    private static void assertObserved(Schedule schedule, int epoch, String layer, Observed step) {
        String where = schedule.name() + " at epoch " + epoch + " on " + layer;
        assertEquals(schedule.lr(epoch), step.lr(), 1e-4 * schedule.lr(epoch), "lr, " + where);
        assertEquals(schedule.wd(epoch), step.wd(), 1e-3 * Math.max(schedule.wd(epoch), 0.01), "wd, " + where);
    }

    /** The first velocity without its weight-decay term, as SGDW would have it: {@code v1 - lambda w0}. */
    private static INDArray meanFree(INDArray v1, INDArray w0, double lambda) {
        return v1.sub(w0.mul(lambda));
    }

    /**
     * Takes one SGD step at the given epoch and solves {@code w' - w = a*w + b*g} for (a, b) by least squares:
     * then {@code eta = -b} and {@code lambda = a / b}.
     */
    private static Observed observeStep(ScaleInvariantNet net, String layer, DataSet batch, int epoch, double lr) {
        net.startEpoch(epoch);
        // w' - w is a difference of float32 numbers, with a rounding error of ~1e-7 |w|: up to 1e-4 of a small
        // fine-tuning step eta*g, while rounding in the update itself is ~1e-7 |eta*g|. Both are smallest where
        // |eta*g| ~ |w|. The network is scale-invariant in w, so shrinking w by c changes no output and scales g by
        // 1/c: shrink until the step is a tenth of the weights (the weight decay term then stays well resolved).
        INDArray live = weights(net, layer);
        INDArray g = meanGradient(net, layer, batch);
        double ratio = lr * g.norm2Number().doubleValue() / live.norm2Number().doubleValue();
        if (ratio < STEP_TO_WEIGHTS) {
            live.muli(Math.sqrt(ratio / STEP_TO_WEIGHTS));
            g = meanGradient(net, layer, batch);
        }
        INDArray w = live.dup();
        net.fit(batch);
        INDArray d = weights(net, layer).sub(w);

        double ww = w.mul(w).sumNumber().doubleValue();
        double gg = g.mul(g).sumNumber().doubleValue();
        double wg = w.mul(g).sumNumber().doubleValue();
        double dw = d.mul(w).sumNumber().doubleValue();
        double dg = d.mul(g).sumNumber().doubleValue();
        double det = ww * gg - wg * wg;
        double a = (dw * gg - dg * wg) / det;
        double b = (ww * dg - wg * dw) / det;
        return new Observed(-b, a / b);
    }

    /** The minibatch-mean gradient of a layer's weights (DL4J's backprop returns the sum over the batch). */
    private static INDArray meanGradient(ScaleInvariantNet net, String layer, DataSet batch) {
        String key;
        if (net.network() instanceof MultiLayerNetwork chain) {
            chain.setInput(batch.getFeatures());
            chain.setLabels(batch.getLabels());
            chain.computeGradientAndScore();
            key = chain.getLayer(layer).getIndex() + "_" + WeightGroup.WEIGHTS;
        } else {
            ComputationGraph graph = (ComputationGraph) net.network();
            graph.setInput(0, batch.getFeatures());
            graph.setLabel(0, batch.getLabels());
            graph.computeGradientAndScore();
            key = layer + "_" + WeightGroup.WEIGHTS;
        }
        return net.network().gradient().getGradientFor(key).dup().divi(batch.numExamples());
    }

    private static INDArray weights(ScaleInvariantNet net, String layer) {
        return net.param(layer, WeightGroup.WEIGHTS);
    }

    private static double maxAbsDiff(INDArray a, INDArray b) {
        return Transforms.abs(a.sub(b)).maxNumber().doubleValue();
    }
}
