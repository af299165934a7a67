package io.mixfarm.core.bench;

/**
 * The multiply-accumulates of one convolution or dense layer for one image, and which of its gradients a training
 * step needs.
 *
 * @param name           the layer's name in the network
 * @param macs           multiply-accumulates of its forward pass per image
 * @param inputGradient  whether backprop needs the gradient with respect to its input (false for the first layer,
 *                       whose input is the data)
 * @param weightGradient whether backprop needs the gradient with respect to its weights (false for a frozen layer)
 */
public record LayerFlops(String name, long macs, boolean inputGradient, boolean weightGradient) {

    public LayerFlops {
        if (macs < 0) {
            throw new IllegalArgumentException("macs must be >= 0, got " + macs);
        }
    }

    /** FLOPs of the forward pass: two per multiply-accumulate. */
    public long forward() {
        return 2 * macs;
    }

    /** FLOPs of forward plus backward: each needed gradient costs as many MACs as the forward pass. */
    public long training() {
        return forward() * (1 + (inputGradient ? 1 : 0) + (weightGradient ? 1 : 0));
    }
}
