package io.mixfarm.core.model;

/**
 * Which scale-invariant network a trial trains.
 *
 * @param architecture the network family; {@code "mnist-cnn"} is the 4-layer CNN of experiment.md section 2
 * @param width        channels of the first convolution; the second has {@code 2*width} and the hidden dense layer
 *                     {@code 4*width}, so 32 is the paper-size 32/64/128 network
 * @param bnEps        BatchNorm's epsilon; see {@link #DEFAULT_BN_EPS} for why it is small
 */
public record ModelSpec(String architecture, int width, double bnEps) {

    /** The only architecture so far. */
    public static final String MNIST_CNN = "mnist-cnn";

    /**
     * BN computes {@code (x - mu) / sqrt(var + eps)}, which ignores a factor c on the weights only while
     * {@code var >> eps}. Weight decay shrinks the weights, hence the pre-BN variances, towards an equilibrium
     * well below the initial scale, so eps is kept far below PyTorch's 1e-5; with 1e-8 the outputs stay within
     * the 1e-4 relative tolerance that ScaleInvarianceTest asserts for factors 0.1 and 7 in float32.
     */
    public static final double DEFAULT_BN_EPS = 1e-8;

    /** The paper-size MNIST CNN. */
    public static ModelSpec mnistCnn(int width) {
        return new ModelSpec(MNIST_CNN, width, DEFAULT_BN_EPS);
    }

    public ModelSpec {
        if (!MNIST_CNN.equals(architecture)) {
            throw new IllegalArgumentException("unknown model architecture \"" + architecture
                    + "\"; known: " + MNIST_CNN);
        }
        if (width < 1) {
            throw new IllegalArgumentException("model width must be >= 1, got " + width);
        }
        if (!(bnEps > 0) || Double.isInfinite(bnEps)) {
            throw new IllegalArgumentException("model bn-eps must be a positive number, got " + bnEps);
        }
    }
}
