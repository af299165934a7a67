package io.mixfarm.core.model.fused;

import org.bytedeco.dnnl.dnnl_convolution_desc_t;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_stream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.dnnl_backward_data;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_backward_data_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_backward_weights_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_direct;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_forward_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_f32;
import static org.bytedeco.dnnl.global.dnnl.dnnl_format_tag_any;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_training;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_get_size;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_init_by_tag;
import static org.bytedeco.dnnl.global.dnnl.dnnl_nhwc;
import static org.bytedeco.dnnl.global.dnnl.dnnl_oihw;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_query_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_diff_weights_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_weights_md;

/**
 * oneDNN's forward, backward-data and backward-weights convolution (no bias) for one input shape, on
 * channels-last activations and DL4J's {@code [out, in, kh, kw]} weights. Each primitive may want the weights in
 * its own blocked layout; the (small) weight tensors are reordered, the activations never are.
 */
final class ConvolutionKernels {

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
     * @param inputShape  {@code [N, H, W, C]}
     * @param weightShape {@code [out, in, kh, kw]}
     * @param stride      {@code [sh, sw]}
     * @param padding     {@code [ph, pw]} at the top and left
     * @param outputHw    {@code [oh, ow]}
     * @param inputGradient whether backward-data is needed (not for a network's first layer)
     */
    ConvolutionKernels(long[] inputShape, long[] weightShape, int[] stride, int[] padding, int[] outputHw,
                       boolean inputGradient) {
        this.inputShape = inputShape.clone();
        long n = inputShape[0];
        long in = inputShape[3];
        long out = weightShape[0];
        this.outputShape = new long[] {n, outputHw[0], outputHw[1], out};
        dnnl_memory_desc_t src = Dnnl.desc(new long[] {n, in, inputShape[1], inputShape[2]}, dnnl_nhwc);
        dnnl_memory_desc_t dst = Dnnl.desc(new long[] {n, out, outputHw[0], outputHw[1]}, dnnl_nhwc);
        dnnl_memory_desc_t userWeights = Dnnl.desc(weightShape, dnnl_oihw);
        dnnl_memory_desc_t anyWeights = new dnnl_memory_desc_t();
        Dnnl.check(dnnl_memory_desc_init_by_tag(anyWeights, 4, weightShape, dnnl_f32, dnnl_format_tag_any),
                "memory_desc_init_by_tag");
        long[] strides = {stride[0], stride[1]};
        long[] padLeft = {padding[0], padding[1]};
        long[] padRight = {
                (outputHw[0] - 1L) * stride[0] + weightShape[2] - inputShape[1] - padding[0],
                (outputHw[1] - 1L) * stride[1] + weightShape[3] - inputShape[2] - padding[1]};

        dnnl_convolution_desc_t forwardDesc = new dnnl_convolution_desc_t();
        Dnnl.check(dnnl_convolution_forward_desc_init(forwardDesc, dnnl_forward_training, dnnl_convolution_direct,
                src, anyWeights, null, dst, strides, padLeft, padRight), "convolution_forward_desc_init");
        dnnl_primitive_desc forwardPd = Dnnl.primitiveDesc(forwardDesc, null, handles);
        forward = Dnnl.primitive(forwardPd, handles);
        dnnl_memory_desc_t forwardWeightsDesc = dnnl_primitive_desc_query_md(forwardPd, dnnl_query_weights_md, 0);
        forwardWeights = Reorder.between(userWeights, forwardWeightsDesc);
        forwardWeightsBuffer = buffer(forwardWeights, forwardWeightsDesc);
        forwardMem = Dnnl.memories(handles, src, forwardWeightsDesc, dst);
        forwardArgs = Dnnl.args(new int[] {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST}, forwardMem);

        if (inputGradient) {
            dnnl_convolution_desc_t desc = new dnnl_convolution_desc_t();
            Dnnl.check(dnnl_convolution_backward_data_desc_init(desc, dnnl_convolution_direct, src, anyWeights, dst,
                    strides, padLeft, padRight), "convolution_backward_data_desc_init");
            dnnl_primitive_desc pd = Dnnl.primitiveDesc(desc, forwardPd, handles);
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

        dnnl_convolution_desc_t weightsDesc = new dnnl_convolution_desc_t();
        Dnnl.check(dnnl_convolution_backward_weights_desc_init(weightsDesc, dnnl_convolution_direct, src, anyWeights,
                null, dst, strides, padLeft, padRight), "convolution_backward_weights_desc_init");
        dnnl_primitive_desc weightsPd = Dnnl.primitiveDesc(weightsDesc, forwardPd, handles);
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

    /** {@code out = conv(x, weights)}; weights dense {@code [out, in, kh, kw]}. */
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

    /** The weight gradient, written dense {@code [out, in, kh, kw]} into {@code gradWeights}. */
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
