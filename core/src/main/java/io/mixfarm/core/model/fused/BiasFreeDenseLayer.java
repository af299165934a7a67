package io.mixfarm.core.model.fused;

import org.bytedeco.dnnl.dnnl_stream;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;

/**
 * A bias-free, identity-activation dense layer on oneDNN's inner product. DL4J's layer goes through ND4J's generic
 * matrix multiply three times per step at about a third of the speed oneDNN reaches on the same shapes
 * (docs/performance.md). Where oneDNN cannot be used, or the configuration is not this one, it is DL4J's layer.
 */
public class BiasFreeDenseLayer extends DenseLayer {

    private final List<WeightedKernels> kernels = new ArrayList<>();
    private final boolean fused;
    private dnnl_stream stream;
    /** Dense copies of the weights and their gradient, column-major {@code [in, out]} as DL4J keeps them. */
    private INDArray weights;
    private INDArray weightGradient;
    private INDArray trainedInput;
    private WeightedKernels trainedKernels;

    public BiasFreeDenseLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
        org.deeplearning4j.nn.conf.layers.DenseLayer c = layerConf();
        fused = Dnnl.usable() && dataType == DataType.FLOAT && !c.hasBias() && !c.hasLayerNorm()
                && c.getActivationFn() instanceof ActivationIdentity
                && c.getIDropout() == null && c.getWeightNoise() == null;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (!fused) {
            return super.activate(training, workspaceMgr);
        }
        assertInputSet(false);
        INDArray x = Dnnl.dense(input) ? input : workspaceMgr.dup(ArrayType.ACTIVATIONS, input, 'c');
        WeightedKernels k = kernels(x.size(0));
        INDArray w = getParam(DefaultParamInitializer.WEIGHT_KEY);
        weights = Dnnl.detached(weights, 'f', w.shape());
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
        if (trainedKernels == null || trainedKernels.outputShape()[0] != epsilon.size(0)) {
            throw new IllegalStateException("backprop through " + layerId() + " without a training pass of its shape");
        }
        INDArray gradOut = Dnnl.dense(epsilon) ? epsilon
                : workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, epsilon, 'c');
        INDArray view = gradientViews.get(DefaultParamInitializer.WEIGHT_KEY);
        weightGradient = Dnnl.detached(weightGradient, 'f', view.shape());
        trainedKernels.backwardWeights(stream, trainedInput, gradOut, weightGradient);
        view.assign(weightGradient);
        Gradient gradient = new DefaultGradient();
        gradient.setGradientFor(DefaultParamInitializer.WEIGHT_KEY, view);

        INDArray gradIn = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT,
                trainedInput.shape(), 'c');
        trainedKernels.backwardData(stream, gradOut, weights, gradIn);
        return new Pair<>(gradient, gradIn);
    }

    private WeightedKernels kernels(long batch) {
        for (WeightedKernels k : kernels) {
            if (k.outputShape()[0] == batch) {
                return k;
            }
        }
        if (stream == null) {
            stream = Dnnl.stream();
        }
        WeightedKernels k = WeightedKernels.innerProduct(batch, layerConf().getNIn(), layerConf().getNOut());
        kernels.add(k);
        return k;
    }
}
