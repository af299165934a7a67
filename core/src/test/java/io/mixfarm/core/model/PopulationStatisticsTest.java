package io.mixfarm.core.model;

import io.mixfarm.core.data.Dataset;
import io.mixfarm.core.data.EmbeddedSample;
import io.mixfarm.core.data.Normalisation;
import io.mixfarm.core.schedule.Schedule;
import io.mixfarm.core.trial.ImageBatches;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Precise BN on both implementations of the MNIST CNN's BN layers, DL4J's (running variance stored as
 * {@code log10stdev}) and the fused one ({@code var}): the measured statistics are the batches' own, pooled over all
 * their examples, and installing them makes inference compute what training computes on those batches.
 */
class PopulationStatisticsTest {

    private static final Dataset SAMPLE = EmbeddedSample.load();
    private static final int BATCH = 64;

    @ParameterizedTest
    @EnumSource(Kernels.class)
    void measuredStatisticsAreTheMeanAndVarianceOverAllExamplesOfTheBatchesThroughTheCurrentWeights(Kernels kernels) {
        ScaleInvariantNet net = trained(kernels);
        List<INDArray> batches = List.of(images(1000), images(2000));

        PopulationStatistics stats = PopulationStatistics.measure(net, batches);

        assertEquals(List.of("bn1", "bn2", "bn3"), List.copyOf(stats.layers().keySet()));
        MultiLayerNetwork chain = (MultiLayerNetwork) net.network();
        for (int layer = 0; layer < chain.getnLayers(); layer++) {
            if (!(chain.getLayer(layer) instanceof BatchNormalization bn)) {
                continue;
            }
            // Directly: each batch's forward pass in training mode, this layer's input values of all batches
            // together (the channels are last in every BN here).
            List<INDArray> inputs = new ArrayList<>();
            for (INDArray batch : batches) {
                inputs.add(chain.feedForward(batch, true).get(layer));
            }
            String name = ScaleInvariantNet.name(bn);
            assertMatchesDirect(kernels + " " + name, inputs, inputs.get(0).rank() - 1, stats.layers().get(name));
        }
        // The two batches differ, so each one's own statistics are not the pooled ones: the test can tell.
        PopulationStatistics first = PopulationStatistics.measure(net, batches.subList(0, 1));
        assertNotEquals(first.layers().get("bn3").variance()[0], stats.layers().get("bn3").variance()[0]);
    }

    @ParameterizedTest
    @EnumSource(Kernels.class)
    void withOneBatchsStatisticsInferenceComputesWhatTrainingComputesOnThatBatch(Kernels kernels) {
        ScaleInvariantNet net = trained(kernels);
        INDArray batch = images(3000);
        INDArray training = net.output(batch, true);
        INDArray running = net.output(batch, false);

        INDArray recomputed = PopulationStatistics.evaluate(net, List.of(batch), () -> net.output(batch, false));

        double gap = maxAbs(recomputed, training);
        assertTrue(gap < 1e-4, kernels + ": inference with the batch's own statistics differs from training mode by "
                + gap);
        // The control: the running averages after a few steps are far from this batch's statistics.
        assertTrue(maxAbs(running, training) > 100 * 1e-4, kernels + ": running averages already give training's"
                + " output (" + maxAbs(running, training) + "), so this test could not fail");
    }

    @ParameterizedTest
    @EnumSource(Kernels.class)
    void evaluatingWithRecomputedStatisticsLeavesEveryParameterBitForBit(Kernels kernels) {
        ScaleInvariantNet net = trained(kernels);
        INDArray before = net.network().params().dup();
        INDArray batch = images(4000);
        INDArray running = net.output(batch, false);

        INDArray recomputed = PopulationStatistics.evaluate(net, List.of(batch, images(5000)),
                () -> net.output(batch, false));

        assertEquals(before, net.network().params(), kernels + ": weights and running averages put back exactly");
        assertEquals(running, net.output(batch, false), kernels + ": inference reads the running averages again");
        assertTrue(maxAbs(recomputed, running) > 1e-3, "the recomputed evaluation did use other statistics");
    }

    @Test
    void aResidualGraphsBnLayersTooTakeTheBatchsOwnStatistics() {
        // PreResNet32 is a ComputationGraph (fused BN layers on channels-last maps): the graph path of forEachBatchNormInput.
        ScaleInvariantNet net = TinyNets.build(ModelSpec.PRERESNET32, Schedule.parse("steps", "1: lr=0.5 wd=0.01"), 3);
        for (int step = 0; step < 2; step++) {
            net.fit(TinyNets.randomBatch(TinyNets.CIFAR, 16, step));
        }
        INDArray batch = TinyNets.randomBatch(TinyNets.CIFAR, 16, 99).getFeatures();
        INDArray training = net.output(batch, true);

        INDArray recomputed = PopulationStatistics.evaluate(net, List.of(batch), () -> net.output(batch, false));

        // Pooled over two batches, against a float64 two-pass computation over each layer's input values, whatever
        // axis its channels are on.
        List<INDArray> batches = List.of(batch, TinyNets.randomBatch(TinyNets.CIFAR, 16, 98).getFeatures());
        PopulationStatistics stats = PopulationStatistics.measure(net, batches);
        assertEquals(net.batchNormLayers().size(), stats.layers().size());
        for (BatchNormalization bn : net.batchNormLayers()) {
            String name = ScaleInvariantNet.name(bn);
            List<INDArray> inputs = new ArrayList<>();
            for (INDArray b : batches) {
                net.forEachBatchNormInput(b, (layer, input) -> {
                    if (layer.equals(name)) {
                        inputs.add(input.dup()); // the pass releases what it handed out
                    }
                });
            }
            boolean channelsLast = ((org.deeplearning4j.nn.conf.layers.BatchNormalization) bn.conf().getLayer())
                    .getCnn2DFormat() == org.deeplearning4j.nn.conf.CNN2DFormat.NHWC;
            assertMatchesDirect("graph " + name, inputs, inputs.get(0).rank() == 4 && !channelsLast ? 1
                    : inputs.get(0).rank() - 1, stats.layers().get(name));
        }
        assertTrue(maxAbs(recomputed, training) < 1e-4, "graph: " + maxAbs(recomputed, training));
        assertTrue(maxAbs(net.output(batch, false), training) > 1e-2, "graph: running averages already agree");
    }

    @Test
    void theTrainingModePassReleasesWhatItMadeButNotTheFeatures() {
        // A recomputed evaluation runs this pass 16 times; its arrays left for the garbage collector grew a farm's
        // JVM until the kernel killed it, and what its layers' preprocessors made still grew it by gigabytes. Both
        // network kinds: the chain and the residual graph.
        for (String architecture : List.of(ModelSpec.MNIST_CNN, ModelSpec.PRERESNET32)) {
            ScaleInvariantNet net = TinyNets.build(architecture, Schedule.parse("steps", "1: lr=0.5 wd=0.01"), 3);
            INDArray features = TinyNets.randomBatch(ModelSpec.MNIST_CNN.equals(architecture) ? TinyNets.MNIST
                    : TinyNets.CIFAR, 16, 5).getFeatures();
            INDArray before = features.dup();
            // A first pass makes what the layers keep for a new batch shape (kernels, their statistics arrays).
            net.forEachBatchNormInput(features, (layer, input) -> { });
            long held = OffHeapBytes.held();
            List<INDArray> handed = new ArrayList<>();
            net.forEachBatchNormInput(features, (layer, input) -> {
                assertFalse(input.wasClosed(), layer + " is open while the consumer reads it");
                handed.add(input);
            });
            long left = OffHeapBytes.held() - held;
            assertEquals(net.batchNormLayers().size(), handed.size(), architecture);
            // Whole batches were left before; DL4J may still make a scalar or two outside every workspace.
            long image = features.size(1) * Float.BYTES;
            assertTrue(left < image, architecture + ": the pass left " + left + " bytes off-heap for the garbage "
                    + "collector, an image is " + image);
            // Each BN input was closed, or lived in the pass's workspace, whose scope has closed.
            long open = handed.stream().filter(input -> !input.isView() && !input.wasClosed() && !(input.isAttached()
                    && ScaleInvariantNet.PASS_WORKSPACE.equals(input.data().getParentWorkspace().getId()))).count();
            assertEquals(0, open, architecture + ": BN inputs left for the garbage collector");
            assertFalse(features.wasClosed(), architecture + ": the caller's features were released");
            assertEquals(before, features, architecture + ": the features changed");
            // The network still trains and predicts after the release.
            net.fit(TinyNets.randomBatch(ModelSpec.MNIST_CNN.equals(architecture) ? TinyNets.MNIST : TinyNets.CIFAR,
                    16, 6));
            assertFalse(net.output(features, false).isEmpty(), architecture);
        }
    }

    /** Per channel, the two-pass float64 mean and variance of all the inputs' values together, against {@code got}. */
    private static void assertMatchesDirect(String where, List<INDArray> inputs, int channelAxis,
                                            PopulationStatistics.Channels got) {
        int channels = (int) inputs.get(0).size(channelAxis);
        List<double[]> rows = new ArrayList<>();
        for (INDArray in : inputs) {
            int[] order = new int[in.rank()];
            for (int d = 0, k = 0; d < in.rank(); d++) {
                if (d != channelAxis) {
                    order[k++] = d;
                }
            }
            order[in.rank() - 1] = channelAxis;
            double[] flat = in.castTo(DataType.DOUBLE).permute(order).dup('c').reshape('c', -1, channels).data()
                    .asDouble();
            for (int r = 0; r < flat.length / channels; r++) {
                double[] row = new double[channels];
                System.arraycopy(flat, r * channels, row, 0, channels);
                rows.add(row);
            }
        }
        assertEquals(channels, got.mean().length, where);
        double total = 0;
        for (int c = 0; c < channels; c++) {
            double mean = 0;
            for (double[] row : rows) {
                mean += row[c];
            }
            mean /= rows.size();
            double squares = 0;
            for (double[] row : rows) {
                squares += (row[c] - mean) * (row[c] - mean);
            }
            double variance = squares / rows.size();
            assertEquals(mean, got.mean()[c], 1e-6 * Math.sqrt(variance), where + " channel " + c + " mean");
            assertEquals(variance, got.variance()[c], 1e-6 * variance, where + " channel " + c + " variance");
            total += variance;
        }
        assertTrue(total > 0, where + ": an input with no variance tests nothing");
    }

    /** A width-4 MNIST CNN after a few SGD steps, so its running averages lag its weights. */
    private static ScaleInvariantNet trained(Kernels kernels) {
        ScaleInvariantNet net = MnistCnn.build(ModelSpec.mnistCnn(4), TinyNets.MNIST,
                Schedule.parse("steps", "1: lr=0.5 wd=0.01"), 11, kernels);
        for (int step = 0; step < 4; step++) {
            INDArray features = images(step * BATCH);
            INDArray labels = Nd4j.zeros(DataType.FLOAT, BATCH, 10);
            for (int i = 0; i < BATCH; i++) {
                labels.putScalar(i, SAMPLE.train().label(step * BATCH + i), 1f);
            }
            net.fit(new org.nd4j.linalg.dataset.DataSet(features, labels));
        }
        return net;
    }

    /** {@link #BATCH} real training images from index {@code from}, pixels / 255, one flattened image a row. */
    private static INDArray images(int from) {
        return ImageBatches.evaluation(SAMPLE.train(), Normalisation.unit(1)).features(from, from + BATCH);
    }

    private static double maxAbs(INDArray a, INDArray b) {
        return Transforms.abs(a.sub(b)).maxNumber().doubleValue();
    }
}
