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
        return build(spec, input, schedule, initSeed, kernels(spec));
    }

    /**
     * As {@link #build(ModelSpec, InputShape, Schedule, long)}, with the given implementation of the layers (the
     * benchmarks and tests compare both).
     *
     * @throws IllegalArgumentException if {@code kernels} is {@link Kernels#FUSED} for an architecture without
     *                                  fused layers
     */
    public static ScaleInvariantNet build(ModelSpec spec, InputShape input, Schedule schedule, long initSeed,
                                          Kernels kernels) {
        if (kernels == Kernels.FUSED && !hasFusedLayers(spec)) {
            throw new IllegalArgumentException(spec.architecture() + " has no fused layers yet; its kernels are "
                    + Kernels.DL4J.label());
        }
        return switch (spec.architecture()) {
            case ModelSpec.MNIST_CNN -> MnistCnn.build(spec, input, schedule, initSeed, kernels);
            case ModelSpec.PRERESNET32 -> PreResNet32.build(spec, input, schedule, initSeed, kernels);
            case ModelSpec.VGG16 -> Vgg16.build(spec, input, schedule, initSeed, kernels);
            default -> throw new AssertionError("ModelSpec admitted " + spec.architecture());
        };
    }

    /**
     * The layers' implementation {@link #build} uses for an architecture: the fused oneDNN layers, for all three
     * (the MNIST CNN, PreResNet32 and VGG16; DL4J's stock layers are the reference they are tested against, and
     * each fused layer falls back to DL4J's own where oneDNN cannot run: CUDA, float64). Part of a trial's
     * implementation fingerprint, since the two differ in the last bits.
     */
    public static Kernels kernels(ModelSpec spec) {
        return hasFusedLayers(spec) ? Kernels.FUSED : Kernels.DL4J;
    }

    /**
     * Whether the architecture can be built from the fused layers: every architecture {@link ModelSpec} admits can.
     * The one place an architecture without them would say so ({@link #build} and the benchmarks check it).
     */
    public static boolean hasFusedLayers(ModelSpec spec) {
        return true;
    }
}
