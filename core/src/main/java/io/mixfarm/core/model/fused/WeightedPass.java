package io.mixfarm.core.model.fused;

import org.bytedeco.dnnl.dnnl_stream;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What a bias-free weighted layer on {@link WeightedKernels} does per step, shared by the convolution and the dense
 * layer: kernels per input shape, dense copies of the weights and their gradient (DL4J's parameter and gradient are
 * views into its flat arrays), and the training pass's input and kernels, which backward reuses.
 */
final class WeightedPass {

    /** Builds the kernels for an input shape and purpose. */
    interface KernelFactory {
        WeightedKernels create(long[] inputShape, WeightedKernels.Purpose purpose);
    }

    private final Map<WeightedKernels.Purpose, List<WeightedKernels>> kernels =
            new EnumMap<>(WeightedKernels.Purpose.class);
    private final KernelFactory create;
    /** DL4J's element order of the weights: 'c' for convolutions, 'f' for dense layers. */
    private final char weightOrder;
    private dnnl_stream stream;
    private INDArray weights;
    /** Where inference copies DL4J's weights to compare them with {@link #weights}. */
    private INDArray incomingWeights;
    /** Counts the changes of {@link #weights}' contents. */
    private long weightsVersion;
    private INDArray weightGradient;
    private INDArray trainedInput;
    private WeightedKernels trainedKernels;

    /**
     * @param create      the kernels for an input shape
     * @param weightOrder the element order in which the kernels read DL4J's weight shape
     */
    WeightedPass(KernelFactory create, char weightOrder) {
        this.create = create;
        this.weightOrder = weightOrder;
    }

    /** The layer's output for {@code input}; a training pass is kept for {@link #backward}. */
    INDArray forward(INDArray input, INDArray weightParam, boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray x = Dnnl.dense(workspaceMgr, ArrayType.ACTIVATIONS, input);
        WeightedKernels k = kernels(x.shape(),
                training ? WeightedKernels.Purpose.TRAINING : WeightedKernels.Purpose.INFERENCE);
        if (training) {
            weights = Dnnl.detached(weights, weightOrder, weightParam.shape());
            weights.assign(weightParam);
            weightsVersion++;
        } else {
            refreshWeights(weightParam);
        }
        INDArray out = Dnnl.uninitialized(workspaceMgr, ArrayType.ACTIVATIONS, k.outputShape());
        k.forward(stream, x, weights, weightsVersion, out);
        if (training) {
            trainedInput = x;
            trainedKernels = k;
        }
        return out;
    }

    /**
     * DL4J's backprop result for the last training pass: the weight gradient, written into the layer's gradient view
     * of {@code weightKey} and reported under that key, and the input gradient ({@code null} where the kernels
     * compute none).
     */
    Pair<Gradient, INDArray> backprop(INDArray epsilon, Map<String, INDArray> gradientViews, String weightKey,
                                      LayerWorkspaceMgr workspaceMgr, String layerId) {
        INDArray gradientView = gradientViews.get(weightKey);
        INDArray gradIn = backward(epsilon, gradientView, workspaceMgr, layerId);
        Gradient gradient = new DefaultGradient();
        gradient.setGradientFor(weightKey, gradientView);
        return new Pair<>(gradient, gradIn);
    }

    private INDArray backward(INDArray epsilon, INDArray gradientView, LayerWorkspaceMgr workspaceMgr,
                              String layerId) {
        if (trainedKernels == null || !Arrays.equals(trainedKernels.outputShape(), epsilon.shape())) {
            throw new IllegalStateException("backprop through " + layerId + " without a training pass of its shape");
        }
        INDArray gradOut = Dnnl.dense(workspaceMgr, ArrayType.ACTIVATION_GRAD, epsilon);
        weightGradient = Dnnl.detached(weightGradient, weightOrder, gradientView.shape());
        trainedKernels.backwardWeights(stream, trainedInput, gradOut, weightGradient);
        gradientView.assign(weightGradient);
        if (!trainedKernels.computesInputGradient()) {
            return null;
        }
        INDArray gradIn = Dnnl.uninitialized(workspaceMgr, ArrayType.ACTIVATION_GRAD, trainedInput.shape());
        trainedKernels.backwardData(stream, gradOut, weights, gradIn);
        return gradIn;
    }

    /**
     * Copies DL4J's weights into {@link #weights}, counting a new version only if their bits changed: inference
     * kernels, which may transform the weights (Winograd's transform costs as much as a small layer), then reuse
     * their transformed copy over the chunks of a prediction. Training changes them every step, so it just counts.
     */
    private void refreshWeights(INDArray weightParam) {
        incomingWeights = Dnnl.detached(incomingWeights, weightOrder, weightParam.shape());
        incomingWeights.assign(weightParam);
        if (weights != null && Arrays.equals(weights.shape(), incomingWeights.shape())
                && Dnnl.sameBits(weights, incomingWeights)) {
            return;
        }
        INDArray previous = weights;
        weights = incomingWeights;
        incomingWeights = previous;
        weightsVersion++;
    }

    private WeightedKernels kernels(long[] shape, WeightedKernels.Purpose purpose) {
        List<WeightedKernels> built = kernels.computeIfAbsent(purpose, p -> new ArrayList<>());
        for (WeightedKernels k : built) {
            if (k.fits(shape)) {
                return k;
            }
        }
        if (stream == null) {
            stream = Dnnl.stream();
        }
        WeightedKernels k = create.create(shape, purpose);
        built.add(k);
        return k;
    }
}
