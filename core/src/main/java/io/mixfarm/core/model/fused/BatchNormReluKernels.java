package io.mixfarm.core.model.fused;

import org.bytedeco.dnnl.dnnl_batch_normalization_desc_t;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_stream;
import org.bytedeco.javacpp.BytePointer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_MEAN;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_VARIANCE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WORKSPACE;
import static org.bytedeco.dnnl.global.dnnl.dnnl_backward_data;
import static org.bytedeco.dnnl.global.dnnl.dnnl_batch_normalization_backward_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_batch_normalization_forward_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_inference;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_training;
import static org.bytedeco.dnnl.global.dnnl.dnnl_fuse_norm_relu;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_get_size;
import static org.bytedeco.dnnl.global.dnnl.dnnl_nc;
import static org.bytedeco.dnnl.global.dnnl.dnnl_nchw;
import static org.bytedeco.dnnl.global.dnnl.dnnl_nhwc;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_query_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_workspace_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_use_global_stats;
import static org.bytedeco.dnnl.global.dnnl.dnnl_x;

/**
 * oneDNN's batch normalization with the ReLU fused in, for one input shape ({@code [N,C,H,W]} or {@code [N,C]}),
 * without scale and shift. Training computes the batch mean and variance in the same pass that normalises and
 * keeps the ReLU's mask; backward reuses all three instead of recomputing them. Without the ReLU it is the same
 * primitive without the fused ReLU, and so without a mask.
 */
final class BatchNormReluKernels {

    private final Dnnl.Handles handles = Dnnl.Handles.of(this);
    private final long[] shape;
    private final dnnl_primitive train;
    private final dnnl_primitive infer;
    private final dnnl_primitive backward;
    /** The ReLU mask written by the training pass and read by backward; {@code null} without the ReLU. */
    private final BytePointer mask;

    private final dnnl_memory[] trainMem;
    private final dnnl_exec_arg_t trainArgs;
    private final dnnl_memory[] inferMem;
    private final dnnl_exec_arg_t inferArgs;
    private final dnnl_memory[] backwardMem;
    private final dnnl_exec_arg_t backwardArgs;

    /**
     * @param shape        the input array's shape: {@code [N,C]}, {@code [N,C,H,W]}, or {@code [N,H,W,C]}
     * @param channelsLast whether a rank-4 shape is {@code [N,H,W,C]}
     * @param relu         whether the ReLU follows the normalisation
     */
    BatchNormReluKernels(long[] shape, boolean channelsLast, double eps, boolean relu) {
        this.shape = shape.clone();
        dnnl_memory_desc_t data;
        long channels;
        if (shape.length == 2) {
            channels = shape[1];
            data = Dnnl.desc(shape, dnnl_nc);
        } else if (channelsLast) {
            // oneDNN's dimensions are always logical N,C,H,W; the tag says how they are laid out.
            channels = shape[3];
            data = Dnnl.desc(new long[] {shape[0], shape[3], shape[1], shape[2]}, dnnl_nhwc);
        } else {
            channels = shape[1];
            data = Dnnl.desc(shape, dnnl_nchw);
        }
        dnnl_memory_desc_t stat = Dnnl.desc(new long[] {channels}, dnnl_x);
        float epsilon = (float) eps;
        int fuseRelu = relu ? dnnl_fuse_norm_relu : 0;

        dnnl_batch_normalization_desc_t trainDesc = new dnnl_batch_normalization_desc_t();
        Dnnl.check(dnnl_batch_normalization_forward_desc_init(trainDesc, dnnl_forward_training, data, epsilon,
                fuseRelu), "batch_normalization_forward_desc_init");
        dnnl_primitive_desc trainPd = Dnnl.primitiveDesc(trainDesc, null, handles);
        train = Dnnl.primitive(trainPd, handles);

        dnnl_batch_normalization_desc_t inferDesc = new dnnl_batch_normalization_desc_t();
        Dnnl.check(dnnl_batch_normalization_forward_desc_init(inferDesc, dnnl_forward_inference, data, epsilon,
                dnnl_use_global_stats | fuseRelu), "batch_normalization_forward_desc_init");
        infer = Dnnl.primitive(Dnnl.primitiveDesc(inferDesc, null, handles), handles);
        inferMem = Dnnl.memories(handles, data, data, stat, stat);
        inferArgs = Dnnl.args(new int[] {DNNL_ARG_SRC, DNNL_ARG_DST, DNNL_ARG_MEAN, DNNL_ARG_VARIANCE}, inferMem);

        dnnl_batch_normalization_desc_t backwardDesc = new dnnl_batch_normalization_desc_t();
        Dnnl.check(dnnl_batch_normalization_backward_desc_init(backwardDesc, dnnl_backward_data, data, data,
                epsilon, fuseRelu), "batch_normalization_backward_desc_init");
        backward = Dnnl.primitive(Dnnl.primitiveDesc(backwardDesc, trainPd, handles), handles);

        if (relu) {
            dnnl_memory_desc_t maskDesc = dnnl_primitive_desc_query_md(trainPd, dnnl_query_workspace_md, 0);
            mask = Dnnl.alignedBytes(dnnl_memory_desc_get_size(maskDesc));
            trainMem = Dnnl.memories(handles, data, data, stat, stat, maskDesc);
            trainArgs = Dnnl.args(new int[] {DNNL_ARG_SRC, DNNL_ARG_DST, DNNL_ARG_MEAN, DNNL_ARG_VARIANCE,
                    DNNL_ARG_WORKSPACE}, trainMem);
            Dnnl.bind(trainMem[4], mask);
            backwardMem = Dnnl.memories(handles, data, stat, stat, data, data, maskDesc);
            backwardArgs = Dnnl.args(new int[] {DNNL_ARG_SRC, DNNL_ARG_MEAN, DNNL_ARG_VARIANCE, DNNL_ARG_DIFF_DST,
                    DNNL_ARG_DIFF_SRC, DNNL_ARG_WORKSPACE}, backwardMem);
            Dnnl.bind(backwardMem[5], mask);
        } else {
            mask = null;
            trainMem = Dnnl.memories(handles, data, data, stat, stat);
            trainArgs = Dnnl.args(new int[] {DNNL_ARG_SRC, DNNL_ARG_DST, DNNL_ARG_MEAN, DNNL_ARG_VARIANCE},
                    trainMem);
            backwardMem = Dnnl.memories(handles, data, stat, stat, data, data);
            backwardArgs = Dnnl.args(new int[] {DNNL_ARG_SRC, DNNL_ARG_MEAN, DNNL_ARG_VARIANCE, DNNL_ARG_DIFF_DST,
                    DNNL_ARG_DIFF_SRC}, backwardMem);
        }
    }

    boolean fits(long[] inputShape) {
        return Arrays.equals(shape, inputShape);
    }

    /** {@code out = relu(batchnorm(x))} with the batch's statistics, which it writes to mean and var. */
    void train(dnnl_stream stream, INDArray x, INDArray out, INDArray mean, INDArray var) {
        bindAll(trainMem, x, out, mean, var);
        Dnnl.execute(train, stream, trainMem.length, trainArgs);
    }

    /** {@code out = relu(batchnorm(x))} with the given (running) statistics. */
    void infer(dnnl_stream stream, INDArray x, INDArray out, INDArray mean, INDArray var) {
        bindAll(inferMem, x, out, mean, var);
        Dnnl.execute(infer, stream, inferMem.length, inferArgs);
    }

    /** The input gradient, given the last training pass's input and statistics and the output gradient. */
    void backward(dnnl_stream stream, INDArray x, INDArray mean, INDArray var, INDArray gradOut, INDArray gradIn) {
        bindAll(backwardMem, x, mean, var, gradOut, gradIn);
        Dnnl.execute(backward, stream, backwardMem.length, backwardArgs);
    }

    private static void bindAll(dnnl_memory[] memories, INDArray... arrays) {
        for (int i = 0; i < arrays.length; i++) {
            Dnnl.bind(memories[i], arrays[i]);
        }
    }
}
