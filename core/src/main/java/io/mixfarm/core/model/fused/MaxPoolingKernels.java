package io.mixfarm.core.model.fused;

import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_pooling_desc_t;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_stream;
import org.bytedeco.javacpp.BytePointer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WORKSPACE;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_inference;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_training;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_get_size;
import static org.bytedeco.dnnl.global.dnnl.dnnl_nhwc;
import static org.bytedeco.dnnl.global.dnnl.dnnl_pooling_backward_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_pooling_forward_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_pooling_max;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_query_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_workspace_md;

/**
 * oneDNN's max pooling on channels-last activations for one input shape, without padding. The training pass keeps
 * where each maximum came from (oneDNN's workspace), and backward routes the gradient there instead of recomputing
 * the forward pass, as DL4J's oneDNN helper does.
 */
final class MaxPoolingKernels {

    private final Dnnl.Handles handles = Dnnl.Handles.of(this);
    private final long[] inputShape;
    private final long[] outputShape;
    private final dnnl_primitive train;
    private final dnnl_primitive infer;
    private final dnnl_primitive backward;
    /** The maxima's positions, written by the training pass and read by backward. */
    private final BytePointer workspace;

    private final dnnl_memory[] trainMem;
    private final dnnl_exec_arg_t trainArgs;
    private final dnnl_memory[] inferMem;
    private final dnnl_exec_arg_t inferArgs;
    private final dnnl_memory[] backwardMem;
    private final dnnl_exec_arg_t backwardArgs;

    /**
     * @param inputShape {@code [N, H, W, C]}
     * @param kernel     {@code [kh, kw]}
     * @param stride     {@code [sh, sw]}
     * @param outputHw   {@code [oh, ow]}: {@code (in - k) / s + 1}, rounded down
     */
    MaxPoolingKernels(long[] inputShape, int[] kernel, int[] stride, int[] outputHw) {
        this.inputShape = inputShape.clone();
        long n = inputShape[0];
        long c = inputShape[3];
        this.outputShape = new long[] {n, outputHw[0], outputHw[1], c};
        // oneDNN's dimensions are always logical N,C,H,W; the tag says how they are laid out.
        dnnl_memory_desc_t src = Dnnl.desc(new long[] {n, c, inputShape[1], inputShape[2]}, dnnl_nhwc);
        dnnl_memory_desc_t dst = Dnnl.desc(new long[] {n, c, outputHw[0], outputHw[1]}, dnnl_nhwc);
        long[] strides = {stride[0], stride[1]};
        long[] kernels = {kernel[0], kernel[1]};
        long[] padLeft = {0, 0};
        // What the floor leaves over at the bottom and right is not read, as in DL4J's Truncate mode.
        long[] padRight = {
                (outputHw[0] - 1L) * stride[0] + kernel[0] - inputShape[1],
                (outputHw[1] - 1L) * stride[1] + kernel[1] - inputShape[2]};

        dnnl_pooling_desc_t trainDesc = new dnnl_pooling_desc_t();
        Dnnl.check(dnnl_pooling_forward_desc_init(trainDesc, dnnl_forward_training, dnnl_pooling_max, src, dst,
                strides, kernels, padLeft, padRight), "pooling_forward_desc_init");
        dnnl_primitive_desc trainPd = Dnnl.primitiveDesc(trainDesc, null, handles);
        dnnl_memory_desc_t workspaceDesc = dnnl_primitive_desc_query_md(trainPd, dnnl_query_workspace_md, 0);
        workspace = Dnnl.alignedBytes(dnnl_memory_desc_get_size(workspaceDesc));
        train = Dnnl.primitive(trainPd, handles);
        trainMem = Dnnl.memories(handles, src, dst, workspaceDesc);
        trainArgs = Dnnl.args(new int[] {DNNL_ARG_SRC, DNNL_ARG_DST, DNNL_ARG_WORKSPACE}, trainMem);
        Dnnl.bind(trainMem[2], workspace);

        dnnl_pooling_desc_t inferDesc = new dnnl_pooling_desc_t();
        Dnnl.check(dnnl_pooling_forward_desc_init(inferDesc, dnnl_forward_inference, dnnl_pooling_max, src, dst,
                strides, kernels, padLeft, padRight), "pooling_forward_desc_init");
        infer = Dnnl.primitive(Dnnl.primitiveDesc(inferDesc, null, handles), handles);
        inferMem = Dnnl.memories(handles, src, dst);
        inferArgs = Dnnl.args(new int[] {DNNL_ARG_SRC, DNNL_ARG_DST}, inferMem);

        dnnl_pooling_desc_t backwardDesc = new dnnl_pooling_desc_t();
        Dnnl.check(dnnl_pooling_backward_desc_init(backwardDesc, dnnl_pooling_max, src, dst, strides, kernels,
                padLeft, padRight), "pooling_backward_desc_init");
        backward = Dnnl.primitive(Dnnl.primitiveDesc(backwardDesc, trainPd, handles), handles);
        backwardMem = Dnnl.memories(handles, dst, workspaceDesc, src);
        backwardArgs = Dnnl.args(new int[] {DNNL_ARG_DIFF_DST, DNNL_ARG_WORKSPACE, DNNL_ARG_DIFF_SRC}, backwardMem);
        Dnnl.bind(backwardMem[1], workspace);
    }

    boolean fits(long[] shape) {
        return Arrays.equals(inputShape, shape);
    }

    long[] outputShape() {
        return outputShape.clone();
    }

    /** {@code out = maxpool(x)}, keeping the maxima's positions for {@link #backward}. */
    void train(dnnl_stream stream, INDArray x, INDArray out) {
        Dnnl.bind(trainMem[0], x);
        Dnnl.bind(trainMem[1], out);
        Dnnl.execute(train, stream, trainMem.length, trainArgs);
    }

    /** {@code out = maxpool(x)}. */
    void infer(dnnl_stream stream, INDArray x, INDArray out) {
        Dnnl.bind(inferMem[0], x);
        Dnnl.bind(inferMem[1], out);
        Dnnl.execute(infer, stream, inferMem.length, inferArgs);
    }

    /** The input gradient of the last training pass: each output's gradient to where its maximum was, else 0. */
    void backward(dnnl_stream stream, INDArray gradOut, INDArray gradIn) {
        Dnnl.bind(backwardMem[0], gradOut);
        Dnnl.bind(backwardMem[2], gradIn);
        Dnnl.execute(backward, stream, backwardMem.length, backwardArgs);
    }
}
