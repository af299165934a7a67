package io.mixfarm.core.model.fused;

import org.bytedeco.dnnl.dnnl_stream;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ConvolutionUtils;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A convolution whose backward pass reuses what forward had. DL4J's layer recomputes the forward convolution
 * inside backprop (to apply the activation's derivative, here the identity), transposes channels-last input to
 * channels-first and back, and always computes the input gradient. This one runs oneDNN's forward, backward-data
 * (only where an input gradient is wanted) and backward-weights primitives directly on the channels-last arrays.
 *
 * <p>Where oneDNN cannot be used (ND4J's CUDA backend) or the configuration is not the one it implements, it is
 * DL4J's layer.
 */
public class ChannelsLastConvolutionLayer extends ConvolutionLayer {

    private final List<WeightedKernels> kernels = new ArrayList<>();
    private final boolean fused;
    private dnnl_stream stream;
    /** Dense copies: the parameter and its gradient are views into DL4J's flat arrays. */
    private INDArray weights;
    private INDArray weightGradient;
    private INDArray trainedInput;
    private WeightedKernels trainedKernels;

    public ChannelsLastConvolutionLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
        org.deeplearning4j.nn.conf.layers.ConvolutionLayer c = layerConf();
        fused = Dnnl.usable() && dataType == DataType.FLOAT && !c.hasBias()
                && c.getCnn2dDataFormat() == CNN2DFormat.NHWC
                && c.getActivationFn() instanceof ActivationIdentity
                && c.getConvolutionMode() != ConvolutionMode.Same
                && Arrays.stream(c.getDilation()).allMatch(d -> d == 1)
                && c.getIDropout() == null && c.getWeightNoise() == null;
    }

    private boolean inputGradient() {
        return ((ChannelsLastConvolution) layerConf()).isInputGradient();
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (!fused) {
            return super.activate(training, workspaceMgr);
        }
        assertInputSet(false);
        validateInputRank();
        INDArray x = Dnnl.dense(input) ? input : workspaceMgr.dup(ArrayType.ACTIVATIONS, input, 'c');
        WeightedKernels k = kernels(x.shape());
        INDArray w = getParam(ConvolutionParamInitializer.WEIGHT_KEY);
        weights = Dnnl.detached(weights, w.shape());
        weights.assign(w);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, k.outputShape(), 'c');
        k.forward(stream, x, weights, out);
        if (training) {
            trainedInput = x;
            trainedKernels = k;
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
        INDArray gradOut = Dnnl.dense(epsilon) ? epsilon
                : workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, epsilon, 'c');
        INDArray view = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
        weightGradient = Dnnl.detached(weightGradient, view.shape());
        trainedKernels.backwardWeights(stream, trainedInput, gradOut, weightGradient);
        view.assign(weightGradient);
        Gradient gradient = new DefaultGradient();
        gradient.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, view);

        INDArray gradIn = null;
        if (inputGradient()) {
            gradIn = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT,
                    trainedInput.shape(), 'c');
            trainedKernels.backwardData(stream, gradOut, weights, gradIn);
        }
        return new Pair<>(gradient, gradIn);
    }

    private WeightedKernels kernels(long[] shape) {
        for (WeightedKernels k : kernels) {
            if (k.fits(shape)) {
                return k;
            }
        }
        if (stream == null) {
            stream = Dnnl.stream();
        }
        org.deeplearning4j.nn.conf.layers.ConvolutionLayer c = layerConf();
        int[] outputHw = ConvolutionUtils.getOutputSize(input, c.getKernelSize(), c.getStride(), c.getPadding(),
                c.getConvolutionMode(), c.getDilation(), CNN2DFormat.NHWC);
        WeightedKernels k = WeightedKernels.convolution(shape,
                getParam(ConvolutionParamInitializer.WEIGHT_KEY).shape(), c.getStride(), c.getPadding(), outputHw,
                inputGradient());
        kernels.add(k);
        return k;
    }
}
