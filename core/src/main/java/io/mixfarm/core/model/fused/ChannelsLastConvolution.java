package io.mixfarm.core.model.fused;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.util.ConvolutionUtils;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;

/**
 * Configuration of a bias-free, identity-activation convolution on channels-last activations, computed by
 * {@link ChannelsLastConvolutionLayer} with oneDNN. To DL4J it is a {@link ConvolutionLayer} (same parameters,
 * initialisation, updaters and regularisation), so the update rule is unchanged.
 */
public class ChannelsLastConvolution extends ConvolutionLayer {

    /** Whether backward computes the gradient with respect to the input; a network's first layer needs none. */
    private boolean inputGradient = true;

    /** For Jackson and {@link #clone()}; use the {@link Builder}. */
    public ChannelsLastConvolution() {
        super();
    }

    private ChannelsLastConvolution(Builder builder) {
        super(builder);
        this.inputGradient = builder.inputGradient;
    }

    public boolean isInputGradient() {
        return inputGradient;
    }

    public void setInputGradient(boolean inputGradient) {
        this.inputGradient = inputGradient;
    }

    @Override
    public ChannelsLastConvolution clone() {
        return (ChannelsLastConvolution) super.clone();
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams,
                             DataType networkDataType) {
        return LayerWiring.wire(new ChannelsLastConvolutionLayer(conf, networkDataType), conf, initializer(), trainingListeners,
                layerIndex, layerParamsView, initializeParams);
    }

    /** DL4J's convolution builder, fixed to channels-last and no bias. */
    // DL4J declares Layer.Builder's build() as <E extends Layer> E; returning the concrete type is the point.
    @SuppressWarnings("unchecked")
    public static class Builder extends ConvolutionLayer.Builder {

        private boolean inputGradient = true;

        public Builder(int... kernelSize) {
            super(kernelSize);
            dataFormat(CNN2DFormat.NHWC);
            hasBias(false);
        }

        /** {@code false} for a network's first layer, whose input gradient nothing reads. */
        public Builder inputGradient(boolean inputGradient) {
            this.inputGradient = inputGradient;
            return this;
        }

        @Override
        public ChannelsLastConvolution build() {
            ConvolutionUtils.validateConvolutionModePadding(convolutionMode, padding);
            ConvolutionUtils.validateCnnKernelStridePadding(kernelSize, stride, padding);
            return new ChannelsLastConvolution(this);
        }
    }
}
