package io.mixfarm.core.model;

import io.mixfarm.core.model.fused.BatchNormRelu;
import io.mixfarm.core.model.fused.ChannelsLastConvolution;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.List;

/**
 * The building blocks every scale-invariant network here shares, so that the tricks that make DL4J compute the
 * paper's maths (see {@link UpdateRule}) live in one place.
 */
final class Layers {

    /** Momentum of BN's running statistics as DL4J counts it (PyTorch's momentum 0.1). */
    static final double BN_DECAY = 0.9;

    private Layers() {
    }

    /**
     * The network-wide settings every architecture shares: the initial weights' seed, float32, workspaces, explicit
     * padding, and as default updater the frozen one, so a layer not given the trained rule never moves (never
     * DL4J's NoOp, which applies the raw gradient). Nothing else is set at network level: weight decay set there
     * would be applied twice (see {@link UpdateRule}).
     */
    static NeuralNetConfiguration.Builder network(long initSeed) {
        return new NeuralNetConfiguration.Builder()
                .seed(initSeed)
                .dataType(DataType.FLOAT)
                .updater(UpdateRule.frozen())
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                .convolutionMode(ConvolutionMode.Truncate);
    }

    /**
     * A bias-free convolution (a BN follows, which would cancel a bias), He-initialised, trained by {@code rule}.
     * Padding is explicit and the network's convolution mode is {@code Truncate}, so sizes follow PyTorch's
     * {@code floor((in + 2p - k) / s) + 1}.
     */
    static Layer conv(String name, int channels, int kernel, int stride, int padding, UpdateRule rule) {
        return configure(new ConvolutionLayer.Builder(kernel, kernel), name, channels, stride, padding, rule);
    }

    /**
     * The same convolution as {@link #conv} on channels-last activations, computed by the fused layer
     * ({@link ChannelsLastConvolution}); same parameters, initialisation and update.
     *
     * @param inputGradient whether anything reads its input gradient (not for the layer that reads the images)
     */
    static Layer channelsLastConv(String name, int channels, int kernel, int stride, int padding, UpdateRule rule,
                                  boolean inputGradient) {
        return configure(new ChannelsLastConvolution.Builder(kernel, kernel).inputGradient(inputGradient), name,
                channels, stride, padding, rule);
    }

    private static Layer configure(ConvolutionLayer.Builder builder, String name, int channels, int stride,
                                   int padding, UpdateRule rule) {
        return builder.name(name).nOut(channels).stride(stride, stride)
                .padding(padding, padding).hasBias(false).activation(Activation.IDENTITY).weightInit(WeightInit.RELU)
                .updater(rule.updater()).regularization(rule.regularization()).build();
    }

    /**
     * BatchNorm without a trainable affine map: it keeps its gamma/beta parameters (oneDNN's BN helper refuses
     * {@code lockGammaBeta}) but they get a zero-LR SGD and no regularisation, so they stay at 1 and 0: the same
     * maths on the fast path.
     */
    static Layer bn(String name, ModelSpec spec) {
        return new BatchNormalization.Builder().name(name).eps(spec.bnEps()).decay(BN_DECAY)
                .lockGammaBeta(false).updater(UpdateRule.frozen()).build();
    }

    /**
     * BN then ReLU on activations laid out as {@code format}: with {@link Kernels#FUSED} one fused layer named
     * {@code bnName} ({@link BatchNormRelu}: the same maths, gamma and beta held at 1 and 0 the same way), else
     * DL4J's BN and activation layers.
     */
    static void bnRelu(NeuralNetConfiguration.ListBuilder layers, String bnName, String reluName, ModelSpec spec,
                       Kernels kernels, CNN2DFormat format) {
        bnRelu(bnName, reluName, spec, kernels, format).forEach(layers::layer);
    }

    /**
     * As {@link #bnRelu(NeuralNetConfiguration.ListBuilder, String, String, ModelSpec, Kernels, CNN2DFormat)}, in a
     * graph, reading vertex {@code input}.
     *
     * @return the vertex whose output is {@code relu(bn(input))}
     */
    static String bnRelu(ComputationGraphConfiguration.GraphBuilder graph, String input, String bnName,
                         String reluName, ModelSpec spec, Kernels kernels, CNN2DFormat format) {
        String last = input;
        for (Layer layer : bnRelu(bnName, reluName, spec, kernels, format)) {
            graph.addLayer(layer.getLayerName(), layer, last);
            last = layer.getLayerName();
        }
        return last;
    }

    private static List<Layer> bnRelu(String bnName, String reluName, ModelSpec spec, Kernels kernels,
                                      CNN2DFormat format) {
        if (kernels == Kernels.FUSED) {
            return List.of(BatchNormRelu.of(bnName, spec.bnEps(), BN_DECAY, format));
        }
        return List.of(bn(bnName, spec, kernels, format), relu(reluName));
    }

    /**
     * BN alone on activations laid out as {@code format}, for an output that is read before its ReLU too: with
     * {@link Kernels#FUSED} the fused layer without its ReLU ({@link BatchNormRelu#withoutRelu}), else DL4J's BN.
     */
    static Layer bn(String name, ModelSpec spec, Kernels kernels, CNN2DFormat format) {
        if (kernels == Kernels.FUSED) {
            return BatchNormRelu.withoutRelu(name, spec.bnEps(), BN_DECAY, format);
        }
        BatchNormalization bn = (BatchNormalization) bn(name, spec);
        bn.setCnn2DFormat(format);
        return bn;
    }

    static Layer relu(String name) {
        return new ActivationLayer.Builder().name(name).activation(Activation.RELU).build();
    }

    /**
     * The fixed last layer: {@code N(0, 1/fan_in)} (DL4J's NORMAL divides a standard normal by sqrt(fan_in)), no
     * bias, never updated, not even by weight decay; softmax cross-entropy.
     */
    static Layer fixedOutput(String name, int classes) {
        return new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name(name).nOut(classes).hasBias(false)
                .activation(Activation.SOFTMAX).weightInit(WeightInit.NORMAL).updater(UpdateRule.frozen()).build();
    }
}
