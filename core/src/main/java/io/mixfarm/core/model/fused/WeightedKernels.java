package io.mixfarm.core.model.fused;

import org.bytedeco.dnnl.dnnl_convolution_desc_t;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_inner_product_desc_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_stream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.function.Function;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_backward_data_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_backward_weights_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_direct;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_forward_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_f32;
import static org.bytedeco.dnnl.global.dnnl.dnnl_format_tag_any;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_training;
import static org.bytedeco.dnnl.global.dnnl.dnnl_inner_product_backward_data_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_inner_product_backward_weights_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_inner_product_forward_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_get_size;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_init_by_tag;
import static org.bytedeco.dnnl.global.dnnl.dnnl_nc;
import static org.bytedeco.dnnl.global.dnnl.dnnl_nhwc;
import static org.bytedeco.dnnl.global.dnnl.dnnl_oi;
import static org.bytedeco.dnnl.global.dnnl.dnnl_oihw;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_query_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_diff_weights_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_weights_md;

/**
 * oneDNN's forward, backward-data and backward-weights primitives of a bias-free weighted layer (a convolution on
 * channels-last activations, or an inner product) for one input shape. Each primitive may want the weights in its
 * own blocked layout: the (small) weight tensors are reordered from and to DL4J's layout, the activations never.
 */
final class WeightedKernels {

    /** Builds one primitive's operation descriptor given the "any layout" weights descriptor. */
    private interface OpDesc extends Function<dnnl_memory_desc_t, Pointer> {
    }

    private final Dnnl.Handles handles = Dnnl.Handles.of(this);
    private final long[] inputShape;
    private final long[] outputShape;

    private final dnnl_primitive forward;
    private final dnnl_memory[] forwardMem;
    private final dnnl_exec_arg_t forwardArgs;
    private final Reorder forwardWeights;
    private final BytePointer forwardWeightsBuffer;

    private final dnnl_primitive backwardData;
    private final dnnl_memory[] backwardDataMem;
    private final dnnl_exec_arg_t backwardDataArgs;
    private final Reorder backwardDataWeights;
    private final BytePointer backwardDataWeightsBuffer;

    private final dnnl_primitive backwardWeights;
    private final dnnl_memory[] backwardWeightsMem;
    private final dnnl_exec_arg_t backwardWeightsArgs;
    private final Reorder gradientWeights;
    private final BytePointer gradientWeightsBuffer;

    /**
     * A convolution, stride and padding as given, no dilation.
     *
     * @param inputShape    {@code [N, H, W, C]}
     * @param weightShape   {@code [out, in, kh, kw]}, DL4J's layout
     * @param stride        {@code [sh, sw]}
     * @param padding       {@code [ph, pw]} at the top and left
     * @param outputHw      {@code [oh, ow]}
     * @param inputGradient whether backward-data is needed (not for a network's first layer)
     */
    static WeightedKernels convolution(long[] inputShape, long[] weightShape, int[] stride, int[] padding,
                                       int[] outputHw, boolean inputGradient) {
        long n = inputShape[0];
        long out = weightShape[0];
        dnnl_memory_desc_t src = Dnnl.desc(new long[] {n, inputShape[3], inputShape[1], inputShape[2]}, dnnl_nhwc);
        dnnl_memory_desc_t dst = Dnnl.desc(new long[] {n, out, outputHw[0], outputHw[1]}, dnnl_nhwc);
        long[] strides = {stride[0], stride[1]};
        long[] padLeft = {padding[0], padding[1]};
        long[] padRight = {
                (outputHw[0] - 1L) * stride[0] + weightShape[2] - inputShape[1] - padding[0],
                (outputHw[1] - 1L) * stride[1] + weightShape[3] - inputShape[2] - padding[1]};
        OpDesc forward = weights -> {
            dnnl_convolution_desc_t d = new dnnl_convolution_desc_t();
            Dnnl.check(dnnl_convolution_forward_desc_init(d, dnnl_forward_training, dnnl_convolution_direct, src,
                    weights, null, dst, strides, padLeft, padRight), "convolution_forward_desc_init");
            return d;
        };
        OpDesc backwardData = weights -> {
            dnnl_convolution_desc_t d = new dnnl_convolution_desc_t();
            Dnnl.check(dnnl_convolution_backward_data_desc_init(d, dnnl_convolution_direct, src, weights, dst,
                    strides, padLeft, padRight), "convolution_backward_data_desc_init");
            return d;
        };
        OpDesc backwardWeights = weights -> {
            dnnl_convolution_desc_t d = new dnnl_convolution_desc_t();
            Dnnl.check(dnnl_convolution_backward_weights_desc_init(d, dnnl_convolution_direct, src, weights, null,
                    dst, strides, padLeft, padRight), "convolution_backward_weights_desc_init");
            return d;
        };
        return new WeightedKernels(inputShape, new long[] {n, outputHw[0], outputHw[1], out}, src, dst,
                weightShape, dnnl_oihw, forward, inputGradient ? backwardData : null, backwardWeights);
    }

    /**
     * An inner product {@code [N, in] -> [N, out]} with weights {@code [out, in]} row-major, which is DL4J's
     * column-major {@code [in, out]} dense weight matrix.
     */
    static WeightedKernels innerProduct(long batch, long in, long out) {
        dnnl_memory_desc_t src = Dnnl.desc(new long[] {batch, in}, dnnl_nc);
        dnnl_memory_desc_t dst = Dnnl.desc(new long[] {batch, out}, dnnl_nc);
        OpDesc forward = weights -> {
            dnnl_inner_product_desc_t d = new dnnl_inner_product_desc_t();
            Dnnl.check(dnnl_inner_product_forward_desc_init(d, dnnl_forward_training, src, weights, null, dst),
                    "inner_product_forward_desc_init");
            return d;
        };
        OpDesc backwardData = weights -> {
            dnnl_inner_product_desc_t d = new dnnl_inner_product_desc_t();
            Dnnl.check(dnnl_inner_product_backward_data_desc_init(d, src, weights, dst),
                    "inner_product_backward_data_desc_init");
            return d;
        };
        OpDesc backwardWeights = weights -> {
            dnnl_inner_product_desc_t d = new dnnl_inner_product_desc_t();
            Dnnl.check(dnnl_inner_product_backward_weights_desc_init(d, src, weights, null, dst),
                    "inner_product_backward_weights_desc_init");
            return d;
        };
        return new WeightedKernels(new long[] {batch, in}, new long[] {batch, out}, src, dst, new long[] {out, in},
                dnnl_oi, forward, backwardData, backwardWeights);
    }

    private WeightedKernels(long[] inputShape, long[] outputShape, dnnl_memory_desc_t src, dnnl_memory_desc_t dst,
                            long[] weightShape, int weightTag, OpDesc forwardOp, OpDesc backwardDataOp,
                            OpDesc backwardWeightsOp) {
        this.inputShape = inputShape.clone();
        this.outputShape = outputShape.clone();
        dnnl_memory_desc_t userWeights = Dnnl.desc(weightShape, weightTag);
        dnnl_memory_desc_t anyWeights = new dnnl_memory_desc_t();
        Dnnl.check(dnnl_memory_desc_init_by_tag(anyWeights, weightShape.length, weightShape, dnnl_f32,
                dnnl_format_tag_any), "memory_desc_init_by_tag");

        dnnl_primitive_desc forwardPd = Dnnl.primitiveDesc(forwardOp.apply(anyWeights), null, handles);
        forward = Dnnl.primitive(forwardPd, handles);
        dnnl_memory_desc_t forwardWeightsDesc = dnnl_primitive_desc_query_md(forwardPd, dnnl_query_weights_md, 0);
        forwardWeights = Reorder.between(userWeights, forwardWeightsDesc);
        forwardWeightsBuffer = buffer(forwardWeights, forwardWeightsDesc);
        forwardMem = Dnnl.memories(handles, src, forwardWeightsDesc, dst);
        forwardArgs = Dnnl.args(new int[] {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST}, forwardMem);

        if (backwardDataOp != null) {
            dnnl_primitive_desc pd = Dnnl.primitiveDesc(backwardDataOp.apply(anyWeights), forwardPd, handles);
            backwardData = Dnnl.primitive(pd, handles);
            dnnl_memory_desc_t weightsDesc = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
            backwardDataWeights = Reorder.between(userWeights, weightsDesc);
            backwardDataWeightsBuffer = buffer(backwardDataWeights, weightsDesc);
            backwardDataMem = Dnnl.memories(handles, dst, weightsDesc, src);
            backwardDataArgs = Dnnl.args(new int[] {DNNL_ARG_DIFF_DST, DNNL_ARG_WEIGHTS, DNNL_ARG_DIFF_SRC},
                    backwardDataMem);
        } else {
            backwardData = null;
            backwardDataMem = null;
            backwardDataArgs = null;
            backwardDataWeights = null;
            backwardDataWeightsBuffer = null;
        }

        dnnl_primitive_desc weightsPd = Dnnl.primitiveDesc(backwardWeightsOp.apply(anyWeights), forwardPd, handles);
        backwardWeights = Dnnl.primitive(weightsPd, handles);
        dnnl_memory_desc_t gradDesc = dnnl_primitive_desc_query_md(weightsPd, dnnl_query_diff_weights_md, 0);
        gradientWeights = Reorder.between(gradDesc, userWeights);
        gradientWeightsBuffer = buffer(gradientWeights, gradDesc);
        backwardWeightsMem = Dnnl.memories(handles, src, dst, gradDesc);
        backwardWeightsArgs = Dnnl.args(new int[] {DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_WEIGHTS},
                backwardWeightsMem);
    }

    private static BytePointer buffer(Reorder reorder, dnnl_memory_desc_t desc) {
        return reorder == null ? null : new BytePointer(dnnl_memory_desc_get_size(desc));
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

    /** {@code out = layer(x, weights)}; weights dense in DL4J's layout. */
    void forward(dnnl_stream stream, INDArray x, INDArray weights, INDArray out) {
        Dnnl.bind(forwardMem[0], x);
        Dnnl.bind(forwardMem[1], layout(stream, forwardWeights, weights, forwardWeightsBuffer));
        Dnnl.bind(forwardMem[2], out);
        Dnnl.execute(forward, stream, forwardMem.length, forwardArgs);
    }

    /** The input gradient from the output gradient. */
    void backwardData(dnnl_stream stream, INDArray gradOut, INDArray weights, INDArray gradIn) {
        Dnnl.bind(backwardDataMem[0], gradOut);
        Dnnl.bind(backwardDataMem[1], layout(stream, backwardDataWeights, weights, backwardDataWeightsBuffer));
        Dnnl.bind(backwardDataMem[2], gradIn);
        Dnnl.execute(backwardData, stream, backwardDataMem.length, backwardDataArgs);
    }

    /** The weight gradient (summed over the batch), written dense in DL4J's layout into {@code gradWeights}. */
    void backwardWeights(dnnl_stream stream, INDArray x, INDArray gradOut, INDArray gradWeights) {
        Dnnl.bind(backwardWeightsMem[0], x);
        Dnnl.bind(backwardWeightsMem[1], gradOut);
        Pointer target = gradWeights.data().addressPointer();
        Dnnl.bind(backwardWeightsMem[2], gradientWeights == null ? target : gradientWeightsBuffer);
        Dnnl.execute(backwardWeights, stream, backwardWeightsMem.length, backwardWeightsArgs);
        if (gradientWeights != null) {
            gradientWeights.run(stream, gradientWeightsBuffer, target);
        }
    }

    private static Pointer layout(dnnl_stream stream, Reorder reorder, INDArray weights, BytePointer buffer) {
        Pointer user = weights.data().addressPointer();
        if (reorder == null) {
            return user;
        }
        reorder.run(stream, user, buffer);
        return buffer;
    }
}
