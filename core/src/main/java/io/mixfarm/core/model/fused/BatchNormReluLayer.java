package io.mixfarm.core.model.fused;

import org.bytedeco.dnnl.dnnl_stream;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.ArrayList;
import java.util.List;

/**
 * BatchNorm + ReLU in one oneDNN pass (or BatchNorm alone, {@link BatchNormRelu#withoutRelu}). DL4J's own BN
 * helper computes the batch mean and variance with separate ND4J reductions, then runs oneDNN's BN in its
 * inference form, then a separate ReLU layer reads and writes the whole activation again, and backward recomputes
 * what forward knew. Here the training pass computes the statistics while normalising, applies the ReLU and keeps
 * its mask, and backward reuses all of it.
 *
 * <p>The running statistics are updated exactly as DL4J's layer does it: as a "gradient"
 * {@code (1 - decay) * (running - batch)} that DL4J's NoOp updater subtracts after backward.
 *
 * <p>Where oneDNN cannot be used (ND4J's CUDA backend, or a network in float64), the layer computes the same thing
 * with DL4J's BN followed by an ND4J ReLU (none without the ReLU).
 */
public class BatchNormReluLayer extends BatchNormalization {

    /** Input shapes seen so far (a training minibatch, the last short one, evaluation chunks). */
    private final List<BatchNormReluKernels> kernels = new ArrayList<>();
    private final boolean fused;
    private dnnl_stream stream;
    /** The last training pass's statistics, its (dense) input and, on the fallback path, its output. */
    private INDArray batchMean;
    private INDArray batchVar;
    private INDArray runningMean;
    private INDArray runningVar;
    private INDArray trainedInput;
    private INDArray fallbackOutput;
    private BatchNormReluKernels trainedKernels;

    public BatchNormReluLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
        // The kernels are float32 (a float64 copy of the network, as the torch reference's check makes, falls back).
        fused = Dnnl.usable() && dataType == DataType.FLOAT;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        if (!fused) {
            INDArray normalised = super.activate(training, workspaceMgr);
            if (!relu()) {
                return normalised;
            }
            INDArray out = Transforms.relu(normalised, false);
            fallbackOutput = training ? out : null;
            return out;
        }
        INDArray x = Dnnl.dense(workspaceMgr, ArrayType.ACTIVATIONS, input);
        INDArray out = Dnnl.uninitialized(workspaceMgr, ArrayType.ACTIVATIONS, x.shape());
        if (!training) {
            infer(x, out);
            return out;
        }
        BatchNormReluKernels k = kernels(x.shape());
        long channels = x.size(channelAxis(x));
        // Shaped as DL4J's running-statistic parameters ([channels]), so the step after backward needs no view.
        batchMean = Dnnl.detached(batchMean, channels);
        batchVar = Dnnl.detached(batchVar, channels);
        k.train(stream, x, out, batchMean, batchVar);
        trainedInput = x;
        trainedKernels = k;
        return out;
    }

    /**
     * {@code out = relu(bn(x))} with the running statistics, on oneDNN: this layer's inference pass into a dense
     * {@code out} of {@code x}'s shape (the inference form writes its own arrays).
     */
    void infer(INDArray x, INDArray out) {
        BatchNormReluKernels k = kernels(x.shape());
        long channels = x.size(channelAxis(x));
        // The running statistics are views into the flat parameter array; oneDNN needs them dense.
        runningMean = Dnnl.detached(runningMean, channels);
        runningVar = Dnnl.detached(runningVar, channels);
        runningMean.assign(getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN));
        runningVar.assign(getParam(BatchNormalizationParamInitializer.GLOBAL_VAR));
        k.infer(stream, x, out, runningMean, runningVar);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (!fused) {
            if (!relu()) {
                return super.backpropGradient(epsilon, workspaceMgr);
            }
            INDArray mask = fallbackOutput.gt(0).castTo(epsilon.dataType());
            return super.backpropGradient(epsilon.mul(mask), workspaceMgr);
        }
        if (trainedKernels == null || !trainedKernels.fits(epsilon.shape())) {
            throw new IllegalStateException("backprop through " + layerId() + " without a training pass of its shape");
        }
        INDArray gradOut = Dnnl.dense(workspaceMgr, ArrayType.ACTIVATION_GRAD, epsilon);
        INDArray gradIn = Dnnl.uninitialized(workspaceMgr, ArrayType.ACTIVATION_GRAD, trainedInput.shape());
        trainedKernels.backward(stream, trainedInput, batchMean, batchVar, gradOut, gradIn);

        Gradient gradient = new DefaultGradient();
        for (String frozen : new String[] {BatchNormalizationParamInitializer.GAMMA,
                BatchNormalizationParamInitializer.BETA}) {
            INDArray view = gradientViews.get(frozen);
            view.assign(0);
            gradient.setGradientFor(frozen, view);
        }
        runningStatisticStep(BatchNormalizationParamInitializer.GLOBAL_MEAN, batchMean, gradient);
        runningStatisticStep(BatchNormalizationParamInitializer.GLOBAL_VAR, batchVar, gradient);
        return new Pair<>(gradient, gradIn);
    }

    /** DL4J's form of {@code running <- decay * running + (1 - decay) * batch}, applied by the NoOp updater. */
    private void runningStatisticStep(String param, INDArray batch, Gradient gradient) {
        INDArray step = gradientViews.get(param);
        // Two in-place ops and no temporaries: it runs twice per layer and step, on a few dozen values.
        getParam(param).sub(batch, step).muli(1 - layerConf().getDecay());
        gradient.setGradientFor(param, step);
    }

    private BatchNormReluKernels kernels(long[] shape) {
        for (BatchNormReluKernels k : kernels) {
            if (k.fits(shape)) {
                return k;
            }
        }
        if (stream == null) {
            stream = Dnnl.stream();
        }
        BatchNormReluKernels k = new BatchNormReluKernels(shape, channelsLast(), layerConf().getEps(), relu());
        kernels.add(k);
        return k;
    }

    /** Whether this layer computes with oneDNN (otherwise it is DL4J's BN, and an ND4J ReLU). */
    boolean isFused() {
        return fused;
    }

    /** BN's epsilon. */
    double eps() {
        return layerConf().getEps();
    }

    /** Whether the ReLU follows the normalisation. */
    boolean relu() {
        return ((BatchNormRelu) layerConf()).isRelu();
    }

    private boolean channelsLast() {
        return layerConf().getCnn2DFormat() == CNN2DFormat.NHWC;
    }

    private int channelAxis(INDArray x) {
        return x.rank() == 4 && channelsLast() ? 3 : 1;
    }

}
