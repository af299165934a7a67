package io.mixfarm.core.model.fused;

import io.mixfarm.core.model.fused.LaidOutPrimitive.Arg;
import org.bytedeco.dnnl.dnnl_convolution_desc_t;
import org.bytedeco.dnnl.dnnl_inner_product_desc_t;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_stream;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_backward_data_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_backward_weights_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_forward_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_inference;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_training;
import static org.bytedeco.dnnl.global.dnnl.dnnl_inner_product_backward_data_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_inner_product_backward_weights_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_inner_product_forward_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_nc;
import static org.bytedeco.dnnl.global.dnnl.dnnl_nhwc;
import static org.bytedeco.dnnl.global.dnnl.dnnl_oi;
import static org.bytedeco.dnnl.global.dnnl.dnnl_oihw;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_attr_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_x;

/**
 * oneDNN's primitives of a bias-free weighted layer (a convolution on channels-last activations, or an inner product)
 * for one input shape and {@link Purpose}. The caller's arrays are DL4J's: channels-last activations and DL4J's
 * weight layout. A primitive may want its own layout for the weights (small tensors, always allowed) and, where its
 * {@link ConvolutionPlan} says so, for the activations; {@link LaidOutPrimitive} reorders.
 */
final class WeightedKernels {

    /** What a set of kernels computes. */
    enum Purpose {
        /** Forward, backward-data (where an input gradient is wanted) and backward-weights, per training step. */
        TRAINING,
        /** Forward only, on weights that stay the same over many calls (prediction, evaluation). */
        INFERENCE;

        /** oneDNN's propagation kind of the forward pass. */
        int forwardPropKind() {
            return this == TRAINING ? dnnl_forward_training : dnnl_forward_inference;
        }
    }

    /**
     * What an inference convolution computes after the convolution itself, in the same pass over its output (oneDNN's
     * bias and post-ops): how a network's inference form folds the layers that follow a convolution into it.
     */
    enum Epilogue {
        /** The convolution alone. */
        NONE(false, false, false),
        /** Plus a per-channel bias: a BatchNorm without ReLU folded into the weights and the bias. */
        BIAS(true, false, false),
        /** Plus a per-channel bias, then ReLU: a BatchNorm and its ReLU folded in. */
        BIAS_RELU(true, true, false),
        /** Added into what the output array holds: a residual addition. */
        SUM(false, false, true);

        private final boolean bias;
        private final boolean relu;
        private final boolean sum;

        Epilogue(boolean bias, boolean relu, boolean sum) {
            this.bias = bias;
            this.relu = relu;
            this.sum = sum;
        }

        boolean hasBias() {
            return bias;
        }
    }

    /** Builds one primitive's operation descriptor from its algorithm and source, weights and destination. */
    private interface OpDesc {
        Pointer create(int algorithm, dnnl_memory_desc_t src, dnnl_memory_desc_t weights, dnnl_memory_desc_t dst);
    }

    private final Dnnl.Handles handles = Dnnl.Handles.of(this);
    private final long[] inputShape;
    private final long[] outputShape;
    private final Epilogue epilogue;
    private final LaidOutPrimitive forward;
    private final LaidOutPrimitive backwardData;
    private final LaidOutPrimitive backwardWeights;

    /**
     * A convolution, stride and padding as given, no dilation.
     *
     * @param inputShape    {@code [N, H, W, C]}
     * @param weightShape   {@code [out, in, kh, kw]}, DL4J's layout
     * @param stride        {@code [sh, sw]}
     * @param padding       {@code [ph, pw]} at the top and left
     * @param outputHw      {@code [oh, ow]}
     * @param inputGradient whether backward-data is needed (not for a network's first layer)
     * @param purpose       training or inference
     * @param epilogue      what the forward pass computes after the convolution; only inference kernels have one
     */
    static WeightedKernels convolution(long[] inputShape, long[] weightShape, int[] stride, int[] padding,
                                       int[] outputHw, boolean inputGradient, Purpose purpose, Epilogue epilogue) {
        ConvolutionPlan plan = purpose == Purpose.TRAINING ? ConvolutionPlan.training(outputHw)
                : ConvolutionPlan.inference(weightShape, stride, outputHw);
        return convolution(inputShape, weightShape, stride, padding, outputHw, inputGradient, purpose, plan,
                epilogue);
    }

    /**
     * As above, with the given plan (which falls back to the training plan where oneDNN has no kernel for it) and no
     * epilogue.
     */
    static WeightedKernels convolution(long[] inputShape, long[] weightShape, int[] stride, int[] padding,
                                       int[] outputHw, boolean inputGradient, Purpose purpose,
                                       ConvolutionPlan plan) {
        return convolution(inputShape, weightShape, stride, padding, outputHw, inputGradient, purpose, plan,
                Epilogue.NONE);
    }

    private static WeightedKernels convolution(long[] inputShape, long[] weightShape, int[] stride, int[] padding,
                                               int[] outputHw, boolean inputGradient, Purpose purpose,
                                               ConvolutionPlan plan, Epilogue epilogue) {
        long n = inputShape[0];
        long out = weightShape[0];
        dnnl_memory_desc_t src = Dnnl.desc(new long[] {n, inputShape[3], inputShape[1], inputShape[2]}, dnnl_nhwc);
        dnnl_memory_desc_t dst = Dnnl.desc(new long[] {n, out, outputHw[0], outputHw[1]}, dnnl_nhwc);
        long[] strides = {stride[0], stride[1]};
        long[] padLeft = {padding[0], padding[1]};
        long[] padRight = {
                (outputHw[0] - 1L) * stride[0] + weightShape[2] - inputShape[1] - padding[0],
                (outputHw[1] - 1L) * stride[1] + weightShape[3] - inputShape[2] - padding[1]};
        dnnl_memory_desc_t bias = epilogue.hasBias() ? Dnnl.desc(new long[] {out}, dnnl_x) : null;
        OpDesc forward = (a, s, w, d) -> {
            dnnl_convolution_desc_t desc = new dnnl_convolution_desc_t();
            Dnnl.check(dnnl_convolution_forward_desc_init(desc, purpose.forwardPropKind(), a, s, w, bias, d, strides,
                    padLeft, padRight), "convolution_forward_desc_init");
            return desc;
        };
        OpDesc backwardData = (a, s, w, d) -> {
            dnnl_convolution_desc_t desc = new dnnl_convolution_desc_t();
            Dnnl.check(dnnl_convolution_backward_data_desc_init(desc, a, s, w, d, strides, padLeft, padRight),
                    "convolution_backward_data_desc_init");
            return desc;
        };
        OpDesc backwardWeights = (a, s, w, d) -> {
            dnnl_convolution_desc_t desc = new dnnl_convolution_desc_t();
            Dnnl.check(dnnl_convolution_backward_weights_desc_init(desc, a, s, w, null, d, strides, padLeft,
                    padRight), "convolution_backward_weights_desc_init");
            return desc;
        };
        return new WeightedKernels(inputShape, new long[] {n, outputHw[0], outputHw[1], out}, src, dst,
                weightShape, dnnl_oihw, bias, purpose, inputGradient, plan, plan.fallback(outputHw), epilogue, forward,
                backwardData, backwardWeights);
    }

    /**
     * An inner product {@code [N, in] -> [N, out]} with weights {@code [out, in]} row-major, which is DL4J's
     * column-major {@code [in, out]} dense weight matrix.
     */
    static WeightedKernels innerProduct(long batch, long in, long out, Purpose purpose) {
        dnnl_memory_desc_t src = Dnnl.desc(new long[] {batch, in}, dnnl_nc);
        dnnl_memory_desc_t dst = Dnnl.desc(new long[] {batch, out}, dnnl_nc);
        OpDesc forward = (a, s, w, d) -> {
            dnnl_inner_product_desc_t desc = new dnnl_inner_product_desc_t();
            Dnnl.check(dnnl_inner_product_forward_desc_init(desc, purpose.forwardPropKind(), s, w, null, d),
                    "inner_product_forward_desc_init");
            return desc;
        };
        OpDesc backwardData = (a, s, w, d) -> {
            dnnl_inner_product_desc_t desc = new dnnl_inner_product_desc_t();
            Dnnl.check(dnnl_inner_product_backward_data_desc_init(desc, s, w, d),
                    "inner_product_backward_data_desc_init");
            return desc;
        };
        OpDesc backwardWeights = (a, s, w, d) -> {
            dnnl_inner_product_desc_t desc = new dnnl_inner_product_desc_t();
            Dnnl.check(dnnl_inner_product_backward_weights_desc_init(desc, s, w, null, d),
                    "inner_product_backward_weights_desc_init");
            return desc;
        };
        return new WeightedKernels(new long[] {batch, in}, new long[] {batch, out}, src, dst, new long[] {out, in},
                dnnl_oi, null, purpose, true, ConvolutionPlan.AS_OFFERED, ConvolutionPlan.AS_OFFERED, Epilogue.NONE,
                forward, backwardData, backwardWeights);
    }

    private WeightedKernels(long[] inputShape, long[] outputShape, dnnl_memory_desc_t src, dnnl_memory_desc_t dst,
                            long[] weightShape, int weightTag, dnnl_memory_desc_t bias, Purpose purpose,
                            boolean inputGradient, ConvolutionPlan plan, ConvolutionPlan fallback, Epilogue epilogue,
                            OpDesc forwardOp, OpDesc backwardDataOp, OpDesc backwardWeightsOp) {
        boolean training = purpose == Purpose.TRAINING;
        if (training && epilogue != Epilogue.NONE) {
            throw new IllegalArgumentException("training kernels have no epilogue, got " + epilogue);
        }
        this.inputShape = inputShape.clone();
        this.outputShape = outputShape.clone();
        this.epilogue = epilogue;
        dnnl_memory_desc_t weights = Dnnl.desc(weightShape, weightTag);
        dnnl_memory_desc_t anyWeights = Dnnl.anyLayout(weights);
        dnnl_primitive_attr attr = Dnnl.postOps(epilogue.relu, epilogue.sum);
        dnnl_primitive_desc forwardPd;
        try {
            forwardPd = primitiveDesc(forwardOp, plan, attr, null, src, anyWeights, dst);
            if (forwardPd == null) {
                plan = fallback;
                forwardPd = primitiveDesc(forwardOp, plan, attr, null, src, anyWeights, dst);
            }
        } finally {
            if (attr != null) {
                dnnl_primitive_attr_destroy(attr);
            }
        }
        if (forwardPd == null) {
            throw new IllegalStateException("oneDNN has no kernel for " + plan + " with epilogue " + epilogue
                    + " on input " + Arrays.toString(inputShape));
        }
        List<Arg> forwardArgs = new ArrayList<>();
        forwardArgs.add(Arg.in(DNNL_ARG_SRC, src));
        forwardArgs.add(training ? Arg.in(DNNL_ARG_WEIGHTS, weights) : Arg.versionedIn(DNNL_ARG_WEIGHTS, weights));
        if (bias != null) {
            forwardArgs.add(Arg.versionedIn(DNNL_ARG_BIAS, bias));
        }
        forwardArgs.add(epilogue.sum ? Arg.inOut(DNNL_ARG_DST, dst) : Arg.out(DNNL_ARG_DST, dst));
        forward = new LaidOutPrimitive(forwardPd, handles, forwardArgs.toArray(Arg[]::new));
        backwardData = !training || !inputGradient ? null : backward(backwardDataOp, plan, forwardPd, src, anyWeights,
                dst, Arg.in(DNNL_ARG_DIFF_DST, dst), Arg.in(DNNL_ARG_WEIGHTS, weights),
                Arg.out(DNNL_ARG_DIFF_SRC, src));
        backwardWeights = !training ? null : backward(backwardWeightsOp, plan, forwardPd, src, anyWeights, dst,
                Arg.in(DNNL_ARG_SRC, src), Arg.in(DNNL_ARG_DIFF_DST, dst), Arg.out(DNNL_ARG_DIFF_WEIGHTS, weights));
    }

    /**
     * The primitive descriptor of {@code op} under {@code plan} (its algorithm, its activation layout, the kernels it
     * accepts), or {@code null} where oneDNN has no kernel for it; {@code hint} is the forward pass's, for backward.
     */
    private dnnl_primitive_desc primitiveDesc(OpDesc op, ConvolutionPlan plan, dnnl_primitive_attr attr,
                                              dnnl_primitive_desc hint, dnnl_memory_desc_t src,
                                              dnnl_memory_desc_t anyWeights, dnnl_memory_desc_t dst) {
        dnnl_memory_desc_t opSrc = plan.activationsAnyLayout() ? Dnnl.anyLayout(src) : src;
        dnnl_memory_desc_t opDst = plan.activationsAnyLayout() ? Dnnl.anyLayout(dst) : dst;
        return Dnnl.primitiveDescOrNull(op.create(plan.algorithm(), opSrc, anyWeights, opDst), attr, hint, handles,
                plan::accepts);
    }

    /** A backward pass under the plan the forward one got; oneDNN has one wherever it has the forward. */
    private LaidOutPrimitive backward(OpDesc op, ConvolutionPlan plan, dnnl_primitive_desc forwardPd,
                                      dnnl_memory_desc_t src, dnnl_memory_desc_t anyWeights, dnnl_memory_desc_t dst,
                                      Arg... args) {
        dnnl_primitive_desc pd = primitiveDesc(op, plan, null, forwardPd, src, anyWeights, dst);
        if (pd == null) {
            throw new IllegalStateException("oneDNN has no backward kernel for " + plan + " on input "
                    + Arrays.toString(inputShape));
        }
        return new LaidOutPrimitive(pd, handles, args);
    }

    boolean fits(long[] shape) {
        return Arrays.equals(inputShape, shape);
    }

    long[] outputShape() {
        return outputShape.clone();
    }

    boolean computesInputGradient() {
        return backwardData != null;
    }

    /** oneDNN's implementations of forward, backward-data and backward-weights, those computed, in that order. */
    List<String> implementations() {
        return Stream.of(forward, backwardData, backwardWeights).filter(Objects::nonNull)
                .map(LaidOutPrimitive::implementation).toList();
    }

    /**
     * {@code out = layer(x, weights)}; weights dense in DL4J's layout, {@code weightsVersion} the caller's count of
     * their changes (inference kernels reorder them only when it moved).
     */
    void forward(dnnl_stream stream, INDArray x, INDArray weights, long weightsVersion, INDArray out) {
        forward(stream, x, weights, null, weightsVersion, out);
    }

    /**
     * As {@link #forward(dnnl_stream, INDArray, INDArray, long, INDArray)} with the epilogue's bias ({@code [out]},
     * versioned with the weights; {@code null} for an epilogue without one); with {@link Epilogue#SUM} {@code out}
     * holds what the convolution is added to.
     */
    void forward(dnnl_stream stream, INDArray x, INDArray weights, INDArray bias, long weightsVersion,
                 INDArray out) {
        if ((bias != null) != epilogue.hasBias()) {
            throw new IllegalStateException("kernels with epilogue " + epilogue + (epilogue.hasBias()
                    ? " need a bias" : " take no bias"));
        }
        if (bias == null) {
            forward.run(stream, weightsVersion, Dnnl.address(x), Dnnl.address(weights), Dnnl.address(out));
        } else {
            forward.run(stream, weightsVersion, Dnnl.address(x), Dnnl.address(weights), Dnnl.address(bias),
                    Dnnl.address(out));
        }
    }

    /** The input gradient from the output gradient. */
    void backwardData(dnnl_stream stream, INDArray gradOut, INDArray weights, INDArray gradIn) {
        backwardData.run(stream, 0, Dnnl.address(gradOut), Dnnl.address(weights), Dnnl.address(gradIn));
    }

    /** The weight gradient (summed over the batch), written dense in DL4J's layout into {@code gradWeights}. */
    void backwardWeights(dnnl_stream stream, INDArray x, INDArray gradOut, INDArray gradWeights) {
        backwardWeights.run(stream, 0, Dnnl.address(x), Dnnl.address(gradOut), Dnnl.address(gradWeights));
    }
}
