package io.mixfarm.core.model;

import io.mixfarm.core.schedule.Schedule;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.MultiLayerUpdater;
import org.deeplearning4j.nn.updater.graph.ComputationGraphUpdater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * The networks' updaters take DL4J's standard path and update exactly as DL4J's stock updater does on the same
 * steps: the same parameters and momentum, bit for bit.
 */
class InPlaceUpdatersTest {

    private static final int BATCH = 16;

    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource(delimiter = '|', textBlock = """
            mnist-cnn   | 1: lr=0.4 wd=0.1; 2: lr=0.2 wd=0.05
            mnist-cnn   | 1: lr=0.4 wd=0.1 momentum=0.9; 2: lr=0.2
            preresnet32 | 1: lr=0.4 wd=0.1 momentum=0.9; 2: lr=0.2
            vgg16       | 1: lr=0.4 wd=0.1; 2: wd=0.05
            """)
    void threeStepsAreBitForBitThoseOfDl4jsStockUpdater(String architecture, String text) {
        Schedule schedule = Schedule.parse("probe", text);
        ScaleInvariantNet ours = TinyNets.build(architecture, schedule, 6);
        ScaleInvariantNet stock = TinyNets.build(architecture, schedule, 6);
        restoreStockUpdater(stock.network());

        for (int step = 1; step <= 3; step++) {
            var batch = TinyNets.randomBatch(TinyNets.shape(architecture), BATCH, 20 + step);
            int epoch = Math.min(step, 2);
            ours.startEpoch(epoch);
            stock.startEpoch(epoch);
            ours.fit(batch);
            stock.fit(batch);
        }

        assertArrayEquals(stock.network().params().toFloatVector(), ours.network().params().toFloatVector(),
                "parameters after three steps");
        INDArray stockState = updaterState(stock.network());
        if (stockState != null) {
            assertArrayEquals(stockState.toFloatVector(), updaterState(ours.network()).toFloatVector(), "momentum");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {ModelSpec.MNIST_CNN, ModelSpec.PRERESNET32, ModelSpec.VGG16})
    void everyArchitectureTrainsThroughThem(String architecture) {
        ScaleInvariantNet net = TinyNets.build(architecture, Schedule.parse("probe", "1: lr=0.1 wd=0.1"), 8);
        net.fit(TinyNets.randomBatch(TinyNets.shape(architecture), BATCH, 40));
        Object updater = net.network() instanceof MultiLayerNetwork chain
                ? chain.getUpdater() : ((ComputationGraph) net.network()).getUpdater();
        assertSame(InPlaceUpdaters.class, updater.getClass().getNestHost(), updater.getClass().getName());
    }

    @Test
    void theNetworksOwnGradientIsRecognisedAndAnyOtherIsLeftAlone() {
        ScaleInvariantNet net = TinyNets.build(7);
        MultiLayerNetwork chain = (MultiLayerNetwork) net.network();
        net.fit(TinyNets.randomBatch(BATCH, 30));
        INDArray view = ((MultiLayerUpdater) chain.getUpdater()).getFlattenedGradientsView();
        Gradient own = chain.gradient();
        assertNotSame(view, own.gradient(), "DL4J hands out a new view per call (the reason for this class)");

        assertSame(view, InPlaceUpdaters.asOwnView(own, view).gradient());
        Gradient copy = new DefaultGradient(view.dup());
        assertSame(copy, InPlaceUpdaters.asOwnView(copy, view), "a copy of the gradient is not the network's");
        Gradient part = new DefaultGradient(view.get(NDArrayIndex.point(0), NDArrayIndex.interval(1, view.length())));
        assertSame(part, InPlaceUpdaters.asOwnView(part, view), "a part of the gradient is not the whole");
    }

    private static void restoreStockUpdater(Model network) {
        if (network instanceof MultiLayerNetwork chain) {
            chain.setUpdater(new MultiLayerUpdater(chain));
        } else {
            ComputationGraph graph = (ComputationGraph) network;
            graph.setUpdater(new ComputationGraphUpdater(graph));
        }
    }

    private static INDArray updaterState(Model network) {
        return network instanceof MultiLayerNetwork chain
                ? chain.getUpdater().getStateViewArray()
                : ((ComputationGraph) network).getUpdater().getStateViewArray();
    }
}
