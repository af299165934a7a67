package io.mixfarm.core.model.fused;

import org.bytedeco.dnnl.dnnl_stream;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ConvolutionUtils;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Max pooling on channels-last activations with oneDNN's pooling primitive. DL4J's layer (through its oneDNN helper)
 * recomputes the forward pooling inside backprop to find the maxima again; this one keeps their positions from the
 * training pass. Where oneDNN cannot be used (ND4J's CUDA backend, float64) or the configuration is not the one it
 * implements (max pooling, channels-last, no padding or dilation), it is DL4J's layer.
 */
public class ChannelsLastMaxPoolingLayer extends SubsamplingLayer {

    /** Input shapes seen so far (a training minibatch, the last short one, evaluation chunks). */
    private final List<MaxPoolingKernels> kernels = new ArrayList<>();
    private final boolean fused;
    private dnnl_stream stream;
    private MaxPoolingKernels trainedKernels;

    public ChannelsLastMaxPoolingLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
        org.deeplearning4j.nn.conf.layers.SubsamplingLayer c = layerConf();
        fused = Dnnl.usable() && dataType == DataType.FLOAT && c.getPoolingType() == PoolingType.MAX
                && c.getCnn2dDataFormat() == CNN2DFormat.NHWC
                && c.getConvolutionMode() != ConvolutionMode.Same
                && Arrays.stream(c.getPadding()).allMatch(p -> p == 0)
                && Arrays.stream(c.getDilation()).allMatch(d -> d == 1)
                && c.getIDropout() == null;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (!fused) {
            return super.activate(training, workspaceMgr);
        }
        assertInputSet(false);
        INDArray x = Dnnl.dense(workspaceMgr, ArrayType.ACTIVATIONS, input);
        MaxPoolingKernels k = kernels(x.shape());
        INDArray out = Dnnl.uninitialized(workspaceMgr, ArrayType.ACTIVATIONS, k.outputShape());
        if (training) {
            k.train(stream, x, out);
            trainedKernels = k;
        } else {
            k.infer(stream, x, out);
        }
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (!fused) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        assertInputSet(true);
        if (trainedKernels == null || !Arrays.equals(trainedKernels.outputShape(), epsilon.shape())) {
            throw new IllegalStateException("backprop through " + layerId() + " without a training pass of its shape");
        }
        INDArray gradOut = Dnnl.dense(workspaceMgr, ArrayType.ACTIVATION_GRAD, epsilon);
        INDArray gradIn = Dnnl.uninitialized(workspaceMgr, ArrayType.ACTIVATION_GRAD, input.shape());
        trainedKernels.backward(stream, gradOut, gradIn);
        return new Pair<>(new DefaultGradient(), gradIn);
    }

    private MaxPoolingKernels kernels(long[] shape) {
        for (MaxPoolingKernels k : kernels) {
            if (k.fits(shape)) {
                return k;
            }
        }
        if (stream == null) {
            stream = Dnnl.stream();
        }
        org.deeplearning4j.nn.conf.layers.SubsamplingLayer c = layerConf();
        int[] outputHw = ConvolutionUtils.getOutputSize(input, c.getKernelSize(), c.getStride(), c.getPadding(),
                c.getConvolutionMode(), c.getDilation(), CNN2DFormat.NHWC);
        MaxPoolingKernels k = new MaxPoolingKernels(shape, c.getKernelSize(), c.getStride(), outputHw);
        kernels.add(k);
        return k;
    }
}
