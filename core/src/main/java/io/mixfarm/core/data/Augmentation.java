package io.mixfarm.core.data;

import java.util.SplittableRandom;

/**
 * A random change of a training image, drawn afresh every time the image is trained on and applied on the fly while
 * a minibatch is assembled, so the data set itself is never copied or changed. It works on the raw unsigned bytes,
 * before normalisation, as torchvision's transforms do on the PIL image (so padding is black, as there).
 */
public interface Augmentation {

    /** No change and no random draws: the images as they are (MNIST). */
    Augmentation NONE = new Augmentation() {
        @Override
        public void apply(ImageSet images, int index, SplittableRandom random, byte[] target, int offset) {
            int size = images.imageSize();
            System.arraycopy(images.pixels(), index * size, target, offset, size);
        }

        @Override
        public String toString() {
            return "none";
        }
    };

    /**
     * Writes image {@code index} of {@code images}, changed by fresh draws from {@code random}, into {@code target} at
     * {@code offset}: same shape, CHW, unsigned bytes.
     *
     * @param random the trial's augmentation stream; the draws are a pure function of its state, so a trial is
     *               reproducible from its seed
     */
    void apply(ImageSet images, int index, SplittableRandom random, byte[] target, int offset);
}
