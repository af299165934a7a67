package io.mixfarm.core.model.fused;

import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_direct;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_winograd;

/**
 * Which of oneDNN 2.5's convolutions a layer's shape gets, and in which activation layout. The choice is a fixed
 * rule of the shape (never a timing taken at run time), so a trial's arithmetic, and with it its bits, depend only on
 * its configuration and OpenMP thread count. docs/performance.md ("Which convolution each shape gets") has the
 * per-layer measurements behind each rule.
 *
 * @param algorithm            {@code dnnl_convolution_direct} or {@code dnnl_convolution_winograd}
 * @param activationsAnyLayout whether the activations may be reordered into the layout the kernel prefers (the
 *                             blocked {@code nChw16c}) instead of computing on the channels-last arrays
 * @param brgemm               whether oneDNN's brgemm-based kernels may run it (its first choice on channels-last)
 */
record ConvolutionPlan(int algorithm, boolean activationsAnyLayout, boolean brgemm) {

    /**
     * Outputs at most this wide and high are computed by the direct kernel on the blocked layout: there a 3x3
     * kernel's taps fall mostly on padding, and oneDNN's brgemm kernel on channels-last is the slower one.
     * It is also the output tile of Winograd's F(4x4, 3x3): smaller outputs would compute a tile mostly of padding.
     */
    static final int SMALL_OUTPUT = 4;

    /**
     * Inference runs Winograd only from this many input channels on: below, its transforms and the reorders to and
     * from the blocked layout cost more than the multiplications it saves (MNIST's 1- and 32-channel and
     * PreResNet32's 16- and 32-channel convolutions predict slower with it).
     */
    static final long WINOGRAD_MIN_INPUT_CHANNELS = 64;

    /** oneDNN's first choice on the caller's layout (the inner products' plan). */
    static final ConvolutionPlan AS_OFFERED = new ConvolutionPlan(dnnl_convolution_direct, false, true);

    /** What the training passes (forward, backward-data, backward-weights) run for an output of this size. */
    static ConvolutionPlan training(int[] outputHw) {
        boolean small = Math.max(outputHw[0], outputHw[1]) <= SMALL_OUTPUT;
        return new ConvolutionPlan(dnnl_convolution_direct, small, !small);
    }

    /**
     * What inference runs: Winograd F(4x4, 3x3) for a 3x3 stride-1 convolution of at least
     * {@link #WINOGRAD_MIN_INPUT_CHANNELS} input channels whose output holds at least a tile (it does fewer
     * multiplications; where oneDNN has no Winograd kernel, as on CPUs without AVX-512, {@link #fallback}), otherwise
     * as training.
     */
    static ConvolutionPlan inference(long[] weightShape, int[] stride, int[] outputHw) {
        boolean winograd = weightShape[1] >= WINOGRAD_MIN_INPUT_CHANNELS && weightShape[2] == 3
                && weightShape[3] == 3 && stride[0] == 1 && stride[1] == 1
                && Math.min(outputHw[0], outputHw[1]) >= SMALL_OUTPUT;
        return winograd ? new ConvolutionPlan(dnnl_convolution_winograd, true, false) : training(outputHw);
    }

    /** The plan to use where oneDNN has no kernel for this one (Winograd for unsuited channel counts). */
    ConvolutionPlan fallback(int[] outputHw) {
        return training(outputHw);
    }

    boolean accepts(String implementation) {
        return brgemm || !implementation.startsWith("brg");
    }
}
