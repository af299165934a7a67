package io.mixfarm.core.model;

import io.mixfarm.core.schedule.Schedule;

/** Builds the network a {@link ModelSpec} names. */
public final class Networks {

    private Networks() {
    }

    /**
     * Builds and initialises the network.
     *
     * @param spec     architecture, width and BN epsilon
     * @param input    image shape and number of classes
     * @param schedule learning rate, weight decay and momentum per epoch
     * @param initSeed seed of the initial weights (the trial seed, or the experiment's for a shared {@code w0})
     * @throws IllegalArgumentException if the architecture cannot take these images (e.g. too small)
     */
    public static ScaleInvariantNet build(ModelSpec spec, InputShape input, Schedule schedule, long initSeed) {
        return switch (spec.architecture()) {
            case ModelSpec.MNIST_CNN -> MnistCnn.build(spec, input, schedule, initSeed, kernels(spec));
            case ModelSpec.PRERESNET32 -> PreResNet32.build(spec, input, schedule, initSeed);
            case ModelSpec.VGG16 -> Vgg16.build(spec, input, schedule, initSeed);
            default -> throw new AssertionError("ModelSpec admitted " + spec.architecture());
        };
    }

    /**
     * The layers' implementation {@link #build} uses for an architecture: the fused oneDNN layers for the MNIST
     * CNN, DL4J's stock layers for the others. Part of a trial's implementation fingerprint, since the two differ
     * in the last bits.
     */
    public static Kernels kernels(ModelSpec spec) {
        return ModelSpec.MNIST_CNN.equals(spec.architecture()) ? Kernels.FUSED : Kernels.DL4J;
    }
}
