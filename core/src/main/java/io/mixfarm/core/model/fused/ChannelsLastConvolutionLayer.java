package io.mixfarm.core.model.fused;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ConvolutionUtils;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

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

    private final boolean fused;
    private final WeightedPass pass;

    public ChannelsLastConvolutionLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
        org.deeplearning4j.nn.conf.layers.ConvolutionLayer c = layerConf();
        fused = Dnnl.usable() && dataType == DataType.FLOAT && !c.hasBias()
                && c.getCnn2dDataFormat() == CNN2DFormat.NHWC
                && c.getActivationFn() instanceof ActivationIdentity
                && c.getConvolutionMode() != ConvolutionMode.Same
                && Arrays.stream(c.getDilation()).allMatch(d -> d == 1)
                && c.getIDropout() == null && c.getWeightNoise() == null;
        pass = new WeightedPass(this::kernels, 'c');
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (!fused) {
            return super.activate(training, workspaceMgr);
        }
        assertInputSet(false);
        validateInputRank();
        return pass.forward(input, getParam(ConvolutionParamInitializer.WEIGHT_KEY), training, workspaceMgr);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (!fused) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        assertInputSet(true);
        return pass.backprop(epsilon, gradientViews, ConvolutionParamInitializer.WEIGHT_KEY, workspaceMgr, layerId());
    }

    /** Whether this layer computes with oneDNN (otherwise it is DL4J's layer). */
    boolean isFused() {
        return fused;
    }

    /** The oneDNN kernels of this convolution for one input shape and purpose. */
    private WeightedKernels kernels(long[] shape, WeightedKernels.Purpose purpose) {
        return kernels(input, purpose, WeightedKernels.Epilogue.NONE);
    }

    /**
     * The oneDNN kernels of this convolution for {@code input} (dense, channels-last), its purpose and epilogue (an
     * inference form may fold what follows the convolution into it).
     */
    WeightedKernels kernels(INDArray input, WeightedKernels.Purpose purpose, WeightedKernels.Epilogue epilogue) {
        org.deeplearning4j.nn.conf.layers.ConvolutionLayer c = layerConf();
        int[] outputHw = ConvolutionUtils.getOutputSize(input, c.getKernelSize(), c.getStride(), c.getPadding(),
                c.getConvolutionMode(), c.getDilation(), CNN2DFormat.NHWC);
        return WeightedKernels.convolution(input.shape(), getParam(ConvolutionParamInitializer.WEIGHT_KEY).shape(),
                c.getStride(), c.getPadding(), outputHw, ((ChannelsLastConvolution) c).isInputGradient(), purpose,
                epilogue);
    }
}
