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
            case ModelSpec.MNIST_CNN -> MnistCnn.build(spec, input, schedule, initSeed);
            case ModelSpec.PRERESNET32 -> PreResNet32.build(spec, input, schedule, initSeed);
            case ModelSpec.VGG16 -> Vgg16.build(spec, input, schedule, initSeed);
            default -> throw new AssertionError("ModelSpec admitted " + spec.architecture());
        };
    }
}
