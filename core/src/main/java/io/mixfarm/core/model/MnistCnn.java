package io.mixfarm.core.model;

import io.mixfarm.core.model.fused.BiasFreeDense;
import io.mixfarm.core.model.fused.ChannelsLastConvolution;
import io.mixfarm.core.model.fused.FlatToNhwc;
import io.mixfarm.core.schedule.Schedule;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;

import java.util.List;

/**
 * The scale-invariant 4-layer MNIST CNN of figure 3 (docs/method.md, "Scale-invariant networks"):
 * {@code conv3x3(C->w) - BN - ReLU - conv3x3(w->2w) - BN - ReLU - maxpool2 - dense(->4w) - BN - ReLU -
 * dense(4w->classes, fixed) - softmax}, valid padding, no biases before a BN (BN cancels them). Every trainable
 * layer is followed by a BN, so each is a scale-invariant group of its own. How DL4J is made to apply the paper's
 * update is {@link UpdateRule}'s and {@link Layers}' business.
 *
 * <p>The network computes channels-last (NHWC) throughout, and trains with the fused oneDNN layers of
 * {@code io.mixfarm.core.model.fused} (docs/performance.md says why); {@link Kernels#DL4J} builds the same network
 * from DL4J's stock layers, the reference the fused ones are tested against.
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
        return build(spec, input, schedule, initSeed, Kernels.FUSED);
    }

    /** As {@link #build(ModelSpec, InputShape, Schedule, long)}, with the given implementation of the layers. */
    public static ScaleInvariantNet build(ModelSpec spec, InputShape input, Schedule schedule, long initSeed,
                                          Kernels kernels) {
        int w = spec.width();
        boolean fused = kernels == Kernels.FUSED;
        UpdateRule rule = UpdateRule.of(schedule);

        NeuralNetConfiguration.ListBuilder layers = Layers.network(initSeed).list()
                .layer(conv("conv1", w, rule, fused, false));
        Layers.bnRelu(layers, "bn1", "relu1", spec, kernels, CNN2DFormat.NHWC);
        layers.layer(conv("conv2", 2 * w, rule, fused, true));
        Layers.bnRelu(layers, "bn2", "relu2", spec, kernels, CNN2DFormat.NHWC);
        layers.layer(new SubsamplingLayer.Builder(PoolingType.MAX).name("pool").dataFormat(CNN2DFormat.NHWC)
                        .kernelSize(2, 2).stride(2, 2).build())
                .layer(dense("fc1", 4 * w, rule, fused));
        Layers.bnRelu(layers, "bn3", "relu3", spec, kernels, CNN2DFormat.NHWC);
        MultiLayerConfiguration conf = layers
                .layer(Layers.fixedOutput("out", input.classes()))
                .setInputType(InputType.feedForward(input.size()))
                .inputPreProcessor(0, new FlatToNhwc(input.height(), input.width(), input.channels()))
                .build();

        MultiLayerNetwork network = new MultiLayerNetwork(conf);
        network.init();
        InPlaceUpdaters.install(network);
        return new ScaleInvariantNet(network,
                List.of(WeightGroup.of("conv1"), WeightGroup.of("conv2"), WeightGroup.of("fc1")),
                "out", List.of("bn1", "bn2", "bn3", "out"));
    }

    /**
     * A 3x3 convolution, stride 1, no bias, channels-last.
     *
     * @param inputGradient whether anything reads its input gradient (not for the first layer); only the fused
     *                      layer can skip computing it
     */
    private static Layer conv(String name, int channels, UpdateRule rule, boolean fused, boolean inputGradient) {
        ConvolutionLayer.Builder builder = fused
                ? new ChannelsLastConvolution.Builder(3, 3).inputGradient(inputGradient)
                : new ConvolutionLayer.Builder(3, 3).dataFormat(CNN2DFormat.NHWC);
        return builder.name(name).nOut(channels).stride(1, 1).hasBias(false)
                .activation(Activation.IDENTITY).weightInit(WeightInit.RELU)
                .updater(rule.updater()).regularization(rule.regularization()).build();
    }

    /** A dense layer, no bias, identity activation. */
    private static Layer dense(String name, int units, UpdateRule rule, boolean fused) {
        DenseLayer.Builder builder = new DenseLayer.Builder().nOut(units).hasBias(false);
        builder.name(name).activation(Activation.IDENTITY).weightInit(WeightInit.RELU)
                .updater(rule.updater()).regularization(rule.regularization());
        DenseLayer layer = builder.build();
        return fused ? BiasFreeDense.of(layer) : layer;
    }

}
