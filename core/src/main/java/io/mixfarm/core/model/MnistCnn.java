package io.mixfarm.core.model;

import io.mixfarm.core.schedule.Schedule;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;

import java.util.List;

/**
 * The scale-invariant 4-layer MNIST CNN of experiment.md section 2:
 * {@code conv3x3(C->w) - BN - ReLU - conv3x3(w->2w) - BN - ReLU - maxpool2 - dense(->4w) - BN - ReLU -
 * dense(4w->classes, fixed) - softmax}, valid padding, no biases before a BN (BN cancels them). Every trainable
 * layer is followed by a BN, so each is a scale-invariant group of its own. How DL4J is made to apply the paper's
 * update is {@link UpdateRule}'s and {@link Layers}' business.
 */
public final class MnistCnn {

    private MnistCnn() {
    }

    /**
     * Builds and initialises the network.
     *
     * @param spec     width and BN epsilon
     * @param input    image shape and number of classes
     * @param schedule learning rate and weight decay per epoch
     * @param initSeed seed of the initial weights (the trial seed, or the experiment's for a shared {@code w0})
     */
    public static ScaleInvariantNet build(ModelSpec spec, InputShape input, Schedule schedule, long initSeed) {
        int w = spec.width();
        UpdateRule rule = UpdateRule.of(schedule);

        MultiLayerConfiguration conf = Layers.network(initSeed)
                .list()
                .layer(Layers.conv("conv1", w, 3, 1, 0, rule))
                .layer(Layers.bn("bn1", spec))
                .layer(Layers.relu("relu1"))
                .layer(Layers.conv("conv2", 2 * w, 3, 1, 0, rule))
                .layer(Layers.bn("bn2", spec))
                .layer(Layers.relu("relu2"))
                .layer(new SubsamplingLayer.Builder(PoolingType.MAX).name("pool")
                        .kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().name("fc1").nOut(4 * w).hasBias(false)
                        .activation(Activation.IDENTITY).weightInit(WeightInit.RELU)
                        .updater(rule.updater()).regularization(rule.regularization()).build())
                .layer(Layers.bn("bn3", spec))
                .layer(Layers.relu("relu3"))
                .layer(Layers.fixedOutput("out", input.classes()))
                .setInputType(InputType.convolutionalFlat(input.height(), input.width(), input.channels()))
                .build();

        MultiLayerNetwork network = new MultiLayerNetwork(conf);
        network.init();
        return new ScaleInvariantNet(network,
                List.of(WeightGroup.of("conv1"), WeightGroup.of("conv2"), WeightGroup.of("fc1")),
                "out", List.of("bn1", "bn2", "bn3", "out"));
    }
}
