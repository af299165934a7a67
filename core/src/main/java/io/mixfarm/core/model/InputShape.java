package io.mixfarm.core.model;

/**
 * The shape of one input image and the number of classes a network predicts.
 *
 * @param channels colour channels (1 for MNIST, 3 for CIFAR)
 * @param height   rows of pixels
 * @param width    columns of pixels
 * @param classes  number of output classes
 */
public record InputShape(int channels, int height, int width, int classes) {

    public InputShape {
        if (channels < 1 || height < 1 || width < 1 || classes < 2) {
            throw new IllegalArgumentException("bad input shape " + channels + "x" + height + "x" + width
                    + " with " + classes + " classes");
        }
    }

    /** Values per image. */
    public int size() {
        return channels * height * width;
    }
}
