package io.mixfarm.core.model.fused;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;

/**
 * Configuration of a max pooling on channels-last activations, computed by {@link ChannelsLastMaxPoolingLayer} with
 * oneDNN. To DL4J it is the {@link SubsamplingLayer} it was built from (no parameters, same input and output types).
 */
public class ChannelsLastMaxPooling extends SubsamplingLayer {

    /** For Jackson and {@link #clone()}; use {@link #of}. */
    public ChannelsLastMaxPooling() {
        super();
    }

    /** The same pooling as {@code built} (made with DL4J's builder). */
    public static ChannelsLastMaxPooling of(SubsamplingLayer built) {
        ChannelsLastMaxPooling layer = new ChannelsLastMaxPooling();
        layer.layerName = built.getLayerName();
        layer.iDropout = built.getIDropout();
        layer.convolutionMode = built.getConvolutionMode();
        layer.poolingType = built.getPoolingType();
        layer.kernelSize = built.getKernelSize();
        layer.stride = built.getStride();
        layer.padding = built.getPadding();
        layer.dilation = built.getDilation();
        layer.pnorm = built.getPnorm();
        layer.eps = built.getEps();
        layer.cnn2dDataFormat = built.getCnn2dDataFormat();
        layer.setCudnnAllowFallback(built.isCudnnAllowFallback());
        layer.setAvgPoolIncludePadInDivisor(built.isAvgPoolIncludePadInDivisor());
        return layer;
    }

    @Override
    public ChannelsLastMaxPooling clone() {
        return (ChannelsLastMaxPooling) super.clone();
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams,
                             DataType networkDataType) {
        return LayerWiring.wire(new ChannelsLastMaxPoolingLayer(conf, networkDataType), conf, initializer(),
                trainingListeners, layerIndex, layerParamsView, initializeParams);
    }
}
