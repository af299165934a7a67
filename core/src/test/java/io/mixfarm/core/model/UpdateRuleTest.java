package io.mixfarm.core.model;

import io.mixfarm.core.schedule.Schedule;
import io.mixfarm.core.schedule.Schedules;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The update DL4J applies is exactly {@code w <- (1 - eta*lambda) w - eta*grad} with the schedule's eta and lambda
 * of the epoch, on the trainable groups only. Observed from real parameter updates, not from the configuration.
 */
class UpdateRuleTest {

    private static final List<Integer> EPOCHS = List.of(1, 40, 41, 80, 81, 120, 121);
    private static final int BATCH = 16;
    /** BN's running statistics: parameters in DL4J, but averaged, not trained; they are meant to move. */
    private static final List<String> RUNNING_STATISTICS = List.of("mean", "var", "log10stdev");

    /** The learning rate and weight decay one observed SGD step applied to a group. */
    record Observed(double lr, double wd) {
    }

    @ParameterizedTest
    @ValueSource(strings = {"Const", "LR-decay", "WD-decay"})
    void appliedLearningRateAndWeightDecayFollowTheScheduleEpochByEpoch(String name) {
        Schedule schedule = Schedules.named(name, 200);
        ScaleInvariantNet net = TinyNets.build(schedule, 3);
        DataSet batch = TinyNets.randomBatch(BATCH, 9);
        for (int epoch : EPOCHS) {
            for (WeightGroup group : net.groups()) {
                Observed step = observeStep(net.network(), group.name(), batch, epoch);
                assertEquals(schedule.lr(epoch), step.lr(), 1e-4 * schedule.lr(epoch),
                        name + " lr at epoch " + epoch + " on " + group.name());
                assertEquals(schedule.wd(epoch), step.wd(), 1e-3 * Math.max(schedule.wd(epoch), 0.01),
                        name + " wd at epoch " + epoch + " on " + group.name());
            }
        }
    }

    @Test
    void oneStepShrinksTheWeightsByExactlyOneMinusEtaLambda() {
        Schedule schedule = Schedule.parse("probe", "1: lr=0.4 wd=0.1");
        ScaleInvariantNet net = TinyNets.build(schedule, 4);
        MultiLayerNetwork network = net.network();
        DataSet batch = TinyNets.randomBatch(BATCH, 10);
        network.setEpochCount(0);

        Map<String, INDArray> before = new HashMap<>();
        Map<String, INDArray> gradients = new HashMap<>();
        for (WeightGroup group : net.groups()) {
            before.put(group.name(), weights(network, group.name()).dup());
            gradients.put(group.name(), meanGradient(network, group.name(), batch));
        }
        network.fit(batch);

        for (WeightGroup group : net.groups()) {
            INDArray w = before.get(group.name());
            INDArray g = gradients.get(group.name());
            INDArray after = weights(network, group.name());
            INDArray expected = w.mul(1 - 0.4 * 0.1).subi(g.mul(0.4));
            INDArray doubled = w.mul(1 - 2 * 0.4 * 0.1).subi(g.mul(0.4));
            double scale = Transforms.abs(w).maxNumber().doubleValue();
            double error = maxAbsDiff(after, expected) / scale;
            assertTrue(error < 1e-5, group.name() + ": update differs from the formula by " + error);
            assertTrue(maxAbsDiff(after, doubled) / scale > 1e-3, group.name() + ": weight decay applied twice");
        }
    }

    @Test
    void theLastLayerAndTheBatchNormConstantsNeverChange() {
        ScaleInvariantNet net = TinyNets.build(Schedule.parse("probe", "1: lr=0.4 wd=0.1"), 5);
        MultiLayerNetwork network = net.network();
        Map<String, INDArray> frozen = new HashMap<>();
        for (String layer : net.frozen()) {
            network.getLayer(layer).paramTable().forEach((key, value) -> frozen.put(layer + "_" + key, value.dup()));
        }
        INDArray runningMean = network.getLayer("bn1").getParam("mean").dup();
        INDArray conv1 = weights(network, "conv1").dup();

        network.setEpochCount(0);
        for (int step = 0; step < 5; step++) {
            network.fit(TinyNets.randomBatch(BATCH, 100 + step));
        }

        for (String layer : net.frozen()) {
            network.getLayer(layer).paramTable().forEach((key, value) -> {
                if (!RUNNING_STATISTICS.contains(key)) {
                    assertEquals(frozen.get(layer + "_" + key), value, layer + " " + key + " changed");
                }
            });
        }
        assertEquals(1.0, network.getLayer("bn2").getParam("gamma").minNumber().doubleValue());
        assertEquals(0.0, network.getLayer("bn2").getParam("beta").maxNumber().doubleValue());
        // Controls: the trainable weights and BN's running statistics do move.
        assertNotEquals(conv1, weights(network, "conv1"));
        assertNotEquals(runningMean, network.getLayer("bn1").getParam("mean"));
    }

    @Test
    void theLastLayerIsDrawnFromNormalWithVarianceOneOverFanIn() {
        INDArray out = TinyNets.build(6).network().getLayer("out").getParam("W");
        long fanIn = out.size(0);
        double variance = out.varNumber().doubleValue();
        // 16 x 10 = 160 draws: the sample variance is within ~35% of the truth with overwhelming probability.
        assertEquals(1.0 / fanIn, variance, 0.35 / fanIn);
        assertEquals(0.0, out.meanNumber().doubleValue(), 4 / Math.sqrt(160 * fanIn));
    }

    /**
     * Takes one SGD step at the given epoch and solves {@code w' - w = a*w + b*g} for (a, b) by least squares:
     * then {@code eta = -b} and {@code lambda = a / b}.
     */
    private static Observed observeStep(MultiLayerNetwork network, String layer, DataSet batch, int epoch) {
        network.setEpochCount(epoch - 1);
        // w' - w is a difference of float32 numbers, with a rounding error of ~1e-7 |w|: up to 1e-4 of a small
        // fine-tuning step eta*g, while rounding in the update itself is ~1e-7 |eta*g|. Both are smallest where
        // |eta*g| ~ |w|. The network is scale-invariant in w, so shrinking w by c changes no output and scales g by
        // 1/c: shrink until the step is about as large as the weights.
        INDArray live = weights(network, layer);
        INDArray g = meanGradient(network, layer, batch);
        double ratio = network.getLayerWiseConfigurations().getConf(network.getLayer(layer).getIndex()).getLayer()
                .getUpdaterByParam("W").getLearningRate(0, epoch - 1)
                * g.norm2Number().doubleValue() / live.norm2Number().doubleValue();
        if (ratio < 1) {
            live.muli(Math.sqrt(ratio));
            g = meanGradient(network, layer, batch);
        }
        INDArray w = live.dup();
        network.fit(batch);
        INDArray d = weights(network, layer).sub(w);

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
    private static INDArray meanGradient(MultiLayerNetwork network, String layer, DataSet batch) {
        network.setInput(batch.getFeatures());
        network.setLabels(batch.getLabels());
        network.computeGradientAndScore();
        int index = network.getLayer(layer).getIndex();
        return network.gradient().getGradientFor(index + "_W").dup().divi(batch.numExamples());
    }

    private static INDArray weights(MultiLayerNetwork network, String layer) {
        return network.getLayer(layer).getParam("W");
    }

    private static double maxAbsDiff(INDArray a, INDArray b) {
        return Transforms.abs(a.sub(b)).maxNumber().doubleValue();
    }
}
