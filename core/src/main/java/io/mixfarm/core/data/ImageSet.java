package io.mixfarm.core.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * A labelled set of equally sized images, stored as unsigned bytes.
 *
 * <p>{@code pixels} holds {@code count} images one after another, each in CHW order (channel, then
 * row, then column), every byte an unsigned value 0..255 (read it as {@code b & 0xFF}); {@code labels}
 * holds one unsigned class index {@code 0..classes-1} per image.
 *
 * <p>The arrays are neither copied on construction nor on access, because real data sets are tens
 * of megabytes: callers must not mutate them after handing them over or after reading them. For the
 * same reason {@link #equals(Object)} compares the arrays by reference, as records do; use
 * {@link #sameContent(ImageSet)} to compare contents.
 *
 * @param count    number of images, at least 0
 * @param channels channels per image (1 for MNIST, 3 for CIFAR), at least 1
 * @param height   rows per image, at least 1
 * @param width    columns per image, at least 1
 * @param classes  number of classes, 1..256 (a label is one unsigned byte)
 * @param pixels   {@code count * channels * height * width} unsigned bytes, image-major then CHW
 * @param labels   {@code count} unsigned class indices, each below {@code classes}
 */
public record ImageSet(int count, int channels, int height, int width, int classes, byte[] pixels, byte[] labels) {

    /** Largest number of classes that one unsigned label byte can index. */
    public static final int MAX_CLASSES = 256;

    /** Validates shape, array lengths and label range; throws {@link IllegalArgumentException} if wrong. */
    public ImageSet {
        Objects.requireNonNull(pixels, "pixels");
        Objects.requireNonNull(labels, "labels");
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, got " + count);
        }
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException(
                    "channels, height and width must be >= 1, got " + channels + "x" + height + "x" + width);
        }
        if (classes < 1 || classes > MAX_CLASSES) {
            throw new IllegalArgumentException("classes must be in 1.." + MAX_CLASSES + ", got " + classes);
        }
        long expectedPixels = (long) count * channels * height * width;
        if (pixels.length != expectedPixels) {
            throw new IllegalArgumentException("pixels.length must be count*channels*height*width = "
                    + expectedPixels + ", got " + pixels.length);
        }
        if (labels.length != count) {
            throw new IllegalArgumentException("labels.length must be count = " + count + ", got " + labels.length);
        }
        for (int i = 0; i < count; i++) {
            int label = labels[i] & 0xFF;
            if (label >= classes) {
                throw new IllegalArgumentException(
                        "label " + label + " of image " + i + " is out of range 0.." + (classes - 1));
            }
        }
    }

    /** Bytes per image: channels * height * width. */
    public int imageSize() {
        return channels * height * width;
    }

    /** The class index (0..classes-1) of image {@code i}. */
    public int label(int i) {
        Objects.checkIndex(i, count);
        return labels[i] & 0xFF;
    }

    /** A copy of images {@code from} (inclusive) to {@code to} (exclusive). */
    public ImageSet slice(int from, int to) {
        Objects.checkFromToIndex(from, to, count);
        int size = imageSize();
        return new ImageSet(to - from, channels, height, width, classes,
                Arrays.copyOfRange(pixels, from * size, to * size),
                Arrays.copyOfRange(labels, from, to));
    }

    /** A copy holding the images at {@code indices}, in that order; repeats are allowed (bootstrap). */
    public ImageSet select(int[] indices) {
        Objects.requireNonNull(indices, "indices");
        int size = imageSize();
        byte[] newPixels = new byte[Math.multiplyExact(indices.length, size)];
        byte[] newLabels = new byte[indices.length];
        for (int k = 0; k < indices.length; k++) {
            int i = Objects.checkIndex(indices[k], count);
            System.arraycopy(pixels, i * size, newPixels, k * size, size);
            newLabels[k] = labels[i];
        }
        return new ImageSet(indices.length, channels, height, width, classes, newPixels, newLabels);
    }

    /** Number of images of each class, indexed by class. */
    public int[] classCounts() {
        int[] counts = new int[classes];
        for (byte label : labels) {
            counts[label & 0xFF]++;
        }
        return counts;
    }

    /** Whether {@code other} has the same shape, classes, pixels and labels. */
    public boolean sameContent(ImageSet other) {
        return other != null
                && count == other.count && channels == other.channels && height == other.height
                && width == other.width && classes == other.classes
                && Arrays.equals(pixels, other.pixels) && Arrays.equals(labels, other.labels);
    }

    /** A summary such as {@code ImageSet[count=8000, shape=1x28x28, classes=10]}; arrays are left out. */
    @Override
    public String toString() {
        return "ImageSet[count=" + count + ", shape=" + channels + "x" + height + "x" + width
                + ", classes=" + classes + "]";
    }
}
