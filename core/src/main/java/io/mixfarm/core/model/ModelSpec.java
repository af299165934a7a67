package io.mixfarm.core.model;

import java.util.List;

/**
 * Which scale-invariant network a trial trains.
 *
 * @param architecture the network family, one of {@link #ARCHITECTURES}: {@value #MNIST_CNN} (the 4-layer CNN of
 *                     figure 3), {@value #PRERESNET32} or {@value #VGG16} (docs/method.md, "Scale-invariant networks")
 * @param width        channels of the first convolution, which sets all the others: mnist-cnn {@code w, 2w} and a
 *                     dense {@code 4w} (32 is the paper's); preresnet32 stages of {@code w, 2w, 4w} (16 is the
 *                     paper's); vgg16 blocks of {@code w, 2w, 4w, 8w, 8w} (64 is the paper's)
 * @param bnEps        BatchNorm's epsilon; see {@link #DEFAULT_BN_EPS} for why it is small
 */
public record ModelSpec(String architecture, int width, double bnEps) {

    /** The 4-layer MNIST CNN of figure 3. */
    public static final String MNIST_CNN = "mnist-cnn";
    /** The scale-invariant pre-activation ResNet-32 of figures 1, 2, 4 (see {@link PreResNet32}). */
    public static final String PRERESNET32 = "preresnet32";
    /** The scale-invariant VGG16 with BN of figures 11 and 12 (see {@link Vgg16}). */
    public static final String VGG16 = "vgg16";
    /** Every architecture, in the order messages list them. */
    public static final List<String> ARCHITECTURES = List.of(MNIST_CNN, PRERESNET32, VGG16);

    /**
     * BN computes {@code (x - mu) / sqrt(var + eps)}, which ignores a factor c on the weights only while
     * {@code var >> eps}. Weight decay shrinks the weights, hence the pre-BN variances, towards an equilibrium
     * well below the initial scale, so eps is kept far below PyTorch's 1e-5; with 1e-8 the outputs stay within
     * the 1e-4 relative tolerance that ScaleInvarianceTest asserts for factors 0.1 and 7 in float32.
     */
    public static final double DEFAULT_BN_EPS = 1e-8;

    /** The paper's width of an architecture: 32 for mnist-cnn, 16 for preresnet32, 64 for vgg16. */
    public static int paperWidth(String architecture) {
        return switch (architecture) {
            case MNIST_CNN -> 32;
            case PRERESNET32 -> 16;
            case VGG16 -> 64;
            default -> throw new IllegalArgumentException("unknown model architecture \"" + architecture
                    + "\"; known: " + String.join(", ", ARCHITECTURES));
        };
    }

    /** The MNIST CNN at this width. */
    public static ModelSpec mnistCnn(int width) {
        return new ModelSpec(MNIST_CNN, width, DEFAULT_BN_EPS);
    }

    /** PreResNet32 at this width (16 is the paper's). */
    public static ModelSpec preResNet32(int width) {
        return new ModelSpec(PRERESNET32, width, DEFAULT_BN_EPS);
    }

    /** VGG16 at this width (64 is the paper's). */
    public static ModelSpec vgg16(int width) {
        return new ModelSpec(VGG16, width, DEFAULT_BN_EPS);
    }

    public ModelSpec {
        if (!ARCHITECTURES.contains(architecture)) {
            throw new IllegalArgumentException("unknown model architecture \"" + architecture
                    + "\"; known: " + String.join(", ", ARCHITECTURES));
        }
        if (width < 1) {
            throw new IllegalArgumentException("model width must be >= 1, got " + width);
        }
        if (!(bnEps > 0) || Double.isInfinite(bnEps)) {
            throw new IllegalArgumentException("model bn-eps must be a positive number, got " + bnEps);
        }
    }
}
