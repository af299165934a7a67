package io.mixfarm.core.model;

import io.mixfarm.core.schedule.Schedules;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

class NetworksTest {

    @Test
    void eachArchitectureBuildsTheKindOfNetworkItNeedsWithItsWidth() {
        ScaleInvariantNet resnet = Networks.build(ModelSpec.preResNet32(3), TinyNets.CIFAR,
                Schedules.named("Const", 10), 1);
        assertInstanceOf(ComputationGraph.class, resnet.network());
        // Stages of w, 2w, 4w channels: the last block's second convolution has 4w = 12 output channels.
        assertEquals(12, resnet.param("s3b5_conv2", WeightGroup.WEIGHTS).size(0));
        assertEquals(12, resnet.param("out", WeightGroup.WEIGHTS).size(0), "the classifier reads 4w features");

        ScaleInvariantNet vgg = Networks.build(ModelSpec.vgg16(3), new InputShape(3, 32, 32, 100),
                Schedules.named("Const", 10), 1);
        assertInstanceOf(MultiLayerNetwork.class, vgg.network());
        assertEquals(24, vgg.param("b5c3", WeightGroup.WEIGHTS).size(0));
        assertEquals(100, vgg.param("out", WeightGroup.WEIGHTS).size(1), "CIFAR-100's classes");
    }

    @Test
    void everyArchitectureTrainsOnTheFusedLayers() {
        assertEquals(Kernels.FUSED, Networks.kernels(ModelSpec.mnistCnn(4)));
        assertEquals(Kernels.FUSED, Networks.kernels(ModelSpec.vgg16(4)));
        assertEquals(Kernels.FUSED, Networks.kernels(ModelSpec.preResNet32(4)));
    }

    @Test
    void badSpecsAndTooSmallImagesAreOneLineErrors() {
        var small = assertThrows(IllegalArgumentException.class, () -> Networks.build(ModelSpec.vgg16(2),
                TinyNets.MNIST, Schedules.named("Const", 10), 1));
        assertEquals("vgg16 needs images of at least 32x32 (five 2x2 poolings), got 28x28", small.getMessage());
        var unknown = assertThrows(IllegalArgumentException.class, () -> new ModelSpec("resnet50", 16, 1e-8));
        assertEquals("unknown model architecture \"resnet50\"; known: mnist-cnn, preresnet32, vgg16",
                unknown.getMessage());
        assertEquals(16, ModelSpec.paperWidth(ModelSpec.PRERESNET32));
        assertEquals(64, ModelSpec.paperWidth(ModelSpec.VGG16));
    }
}
