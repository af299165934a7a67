package io.mixfarm.core.model.fused;

import io.mixfarm.core.model.Kernels;
import io.mixfarm.core.model.ModelSpec;
import io.mixfarm.core.model.Networks;
import io.mixfarm.core.model.PopulationStatistics;
import io.mixfarm.core.model.ScaleInvariantNet;
import io.mixfarm.core.model.WeightGroup;
import io.mixfarm.core.runtime.RuntimeSetup;
import io.mixfarm.core.schedule.Schedules;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static io.mixfarm.core.model.fused.FusedLayersTest.assertRelative;
import static io.mixfarm.core.model.fused.InferenceKernelsTest.TOLERANCE;
import static io.mixfarm.core.model.fused.InferenceKernelsTest.assertChanged;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * PreResNet32's inference form ({@link InferenceProgram}) computes what DL4J's inference pass through the same graph
 * computes, on augmented CIFAR batches, and keeps doing so as the parameters it folds change: a training step (weights
 * and running statistics), running statistics set directly (as recomputed BN statistics are), a weight set directly.
 * Chunks of two sizes alternate, as a prediction's full chunks and its last one do.
 */
class InferenceProgramTest {

    /** The paper's width. */
    private static final ModelSpec MODEL = ModelSpec.preResNet32(16);

    @BeforeAll
    static void setUp() {
        RuntimeSetup.configure();
    }

    @Test
    void theInferenceFormFoldsEachBlocksSecondBnAndAddsEachBlockIntoItsStream() {
        ScaleInvariantNet net = build(Kernels.FUSED);
        InferenceProgram program = net.inference();
        assertNotNull(program, "the fused PreResNet32 has an inference form");
        // conv1 -> bn2 -> relu2 in each of the 15 blocks; conv2 + shortcut in each.
        assertEquals(15, program.foldedBatchNorms());
        assertEquals(15, program.fusedAdditions());
        // The global average pool and the fixed last layer.
        assertEquals(2, program.dl4jVertices());

        assertNull(build(Kernels.DL4J).inference(), "DL4J's stock layers have none");
        assertNull(FusedLayersTest.withoutOneDnn(() -> build(Kernels.FUSED)).inference(),
                "without oneDNN the fused layers are DL4J's, and there is none");
    }

    @Test
    void everyChangeOfTheParametersReachesTheNextPrediction() {
        ScaleInvariantNet net = build(Kernels.FUSED);
        ComputationGraph graph = (ComputationGraph) net.network();
        INDArray chunk = FusedVgg16Test.augmentedBatches(24, 1, 3).get(0).getFeatures();
        INDArray lastChunk = FusedVgg16Test.augmentedBatches(7, 1, 4).get(0).getFeatures();

        // The running statistics of the population, not their initial 0 and 1, which saturate the softmax.
        List<INDArray> statistics = FusedVgg16Test.augmentedBatches(32, 2, 6).stream().map(DataSet::getFeatures)
                .toList();
        PopulationStatistics.measure(net, statistics).install(net);
        INDArray before = predictBoth(net, graph, chunk, "initial parameters");
        predictBoth(net, graph, lastChunk, "initial parameters, a shorter chunk");
        int buffers = net.inference().buffersAllocated();
        predictBoth(net, graph, chunk, "initial parameters, again");
        predictBoth(net, graph, lastChunk, "initial parameters, a shorter chunk again");
        assertEquals(buffers, net.inference().buffersAllocated(), "a second pass reuses the first one's arrays");

        for (DataSet batch : FusedVgg16Test.augmentedBatches(16, 3, 5)) {
            net.fit(batch);
        }
        INDArray trained = predictBoth(net, graph, chunk, "after 3 training steps");
        assertChanged(before, trained, "3 training steps");
        predictBoth(net, graph, lastChunk, "after 3 training steps, a shorter chunk");

        INDArray var = graph.getLayer("s2b3_bn2").getParam(BatchNormalizationParamInitializer.GLOBAL_VAR);
        var.muli(9);
        INDArray recomputed = predictBoth(net, graph, chunk, "after setting s2b3_bn2's running variance");
        assertChanged(trained, recomputed, "setting s2b3_bn2's running variance");

        INDArray w = graph.getLayer("s3b2_conv2").getParam(WeightGroup.WEIGHTS);
        w.assign(Nd4j.randn(DataType.FLOAT, w.shape()).muli(w.std(true).getDouble(0) * 4));
        INDArray set = predictBoth(net, graph, chunk, "after setting s3b2_conv2's weights");
        assertChanged(recomputed, set, "setting s3b2_conv2's weights");

        // A finished trial's network frees the program's arrays at once; its predictions are copies, still readable.
        net.release();
        assertEquals(0, net.inference().buffersAllocated(), "release frees the inference form's arrays");
        assertEquals(chunk.size(0), set.sum(1).length());
    }

    private static ScaleInvariantNet build(Kernels kernels) {
        ScaleInvariantNet net = Networks.build(MODEL, CifarNetworks.CIFAR, Schedules.named("Const", 200), 11,
                kernels);
        net.startEpoch(1);
        return net;
    }

    /** The inference form's prediction agrees with DL4J's pass through the graph; the former. */
    private static INDArray predictBoth(ScaleInvariantNet net, ComputationGraph graph, INDArray features,
                                        String what) {
        INDArray actual = net.output(features, false);
        assertRelative(graph.outputSingle(false, features), actual, TOLERANCE, what);
        return actual;
    }
}
