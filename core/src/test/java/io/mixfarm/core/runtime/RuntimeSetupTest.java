package io.mixfarm.core.runtime;

import io.mixfarm.core.model.InputShape;
import io.mixfarm.core.model.Kernels;
import io.mixfarm.core.model.MnistCnn;
import io.mixfarm.core.model.ModelSpec;
import io.mixfarm.core.model.Networks;
import io.mixfarm.core.model.fused.BatchNormReluLayer;
import io.mixfarm.core.model.fused.BiasFreeDenseLayer;
import io.mixfarm.core.model.fused.ChannelsLastConvolutionLayer;
import io.mixfarm.core.schedule.Schedules;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNSubsamplingHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** oneDNN really runs: mixfarm's fused layers in trials, DL4J's oneDNN helpers in the reference network. */
class RuntimeSetupTest {

    @Test
    void theOneDnnNativesAndHelpersAreActive() {
        RuntimeSetup.configure();
        assertEquals("CPU", RuntimeSetup.backend());
        assertTrue(RuntimeSetup.helpersEnabled(), "DL4J reports its oneDNN helpers as unavailable");
    }

    @Test
    void trialsTrainWithTheFusedOneDnnLayers() {
        MultiLayerNetwork network = (MultiLayerNetwork) MnistCnn.build(ModelSpec.mnistCnn(2),
                new InputShape(1, 28, 28, 10), Schedules.named("Const", 10), 1).network();
        assertInstanceOf(ChannelsLastConvolutionLayer.class, network.getLayer("conv1"));
        assertInstanceOf(ChannelsLastConvolutionLayer.class, network.getLayer("conv2"));
        assertInstanceOf(BatchNormReluLayer.class, network.getLayer("bn1"));
        assertInstanceOf(BatchNormReluLayer.class, network.getLayer("bn3"));
        assertInstanceOf(BiasFreeDenseLayer.class, network.getLayer("fc1"));
        // Pooling stays DL4J's layer, with its oneDNN helper.
        assertInstanceOf(MKLDNNSubsamplingHelper.class, network.getLayer("pool").getHelper());
    }

    @Test
    void theDl4jReferenceLayersGetOneDnnHelpers() {
        MultiLayerNetwork network = (MultiLayerNetwork) MnistCnn.build(ModelSpec.mnistCnn(2),
                new InputShape(1, 28, 28, 10), Schedules.named("Const", 10), 1, Kernels.DL4J).network();
        assertInstanceOf(MKLDNNConvHelper.class, network.getLayer("conv1").getHelper());
        assertInstanceOf(MKLDNNConvHelper.class, network.getLayer("conv2").getHelper());
        assertInstanceOf(MKLDNNSubsamplingHelper.class, network.getLayer("pool").getHelper());
        assertInstanceOf(MKLDNNBatchNormHelper.class, network.getLayer("bn1").getHelper());
        assertInstanceOf(MKLDNNBatchNormHelper.class, network.getLayer("bn3").getHelper());
    }

    @Test
    void theResNetGraphsConvolutionsAndBatchNormsGetOneDnnHelpersToo() {
        RuntimeSetup.configure();
        ComputationGraph graph = (ComputationGraph) Networks.build(ModelSpec.preResNet32(2),
                new InputShape(3, 32, 32, 10), Schedules.named("Const", 10), 1).network();
        for (String conv : new String[] {"stem", "s2b1_conv1", "s2b1_shortcut", "s3b5_conv2"}) {
            assertInstanceOf(MKLDNNConvHelper.class, graph.getLayer(conv).getHelper(), conv);
        }
        for (String bn : new String[] {"s1b1_bn1", "s3b5_bn2", "final_bn"}) {
            assertInstanceOf(MKLDNNBatchNormHelper.class, graph.getLayer(bn).getHelper(), bn);
        }
    }
}
