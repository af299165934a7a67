package io.mixfarm.core.trial;

import io.mixfarm.core.data.Augmentation;
import io.mixfarm.core.data.ImageSet;
import io.mixfarm.core.data.Normalisation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

/**
 * Minibatches assembled from an image set's bytes when they are needed: each image is augmented (training only)
 * and normalised into a fresh float array of the batch's size. Nothing per data set is copied, neither per epoch
 * nor per trial: the trial reads the (broadcast) bytes directly, which for CIFAR-10 saves the 600 MB a float copy
 * of the training set would take per trial. Public so that the benchmarks time the batches trials train on.
 */
public final class ImageBatches {

    private final ImageSet images;
    private final Normalisation normalisation;
    private final Augmentation augmentation;
    private final SplittableRandom random;
    private final byte[] scratch;

    private ImageBatches(ImageSet images, Normalisation normalisation, Augmentation augmentation,
                         SplittableRandom random) {
        this.images = images;
        this.normalisation = normalisation;
        this.augmentation = augmentation;
        this.random = random;
        this.scratch = new byte[images.imageSize()];
    }

    /**
     * Training batches, augmented with draws from a stream split off {@code seed}: a different stream from the
     * minibatch order's ({@code new SplittableRandom(seed)}), which therefore is the same with or without
     * augmentation.
     */
    public static ImageBatches training(ImageSet images, Normalisation normalisation, Augmentation augmentation, long seed) {
        return new ImageBatches(images, normalisation, augmentation, new SplittableRandom(seed).split());
    }

    /** Evaluation batches: normalised, never augmented. */
    public static ImageBatches evaluation(ImageSet images, Normalisation normalisation) {
        return new ImageBatches(images, normalisation, Augmentation.NONE, null);
    }

    int count() {
        return images.count();
    }

    int label(int i) {
        return images.label(i);
    }

    /** The examples at these indices, in this order, augmented by fresh draws, with one-hot labels. */
    public DataSet batch(int[] indices) {
        int classes = images.classes();
        float[] hot = new float[indices.length * classes];
        for (int k = 0; k < indices.length; k++) {
            hot[k * classes + images.label(indices[k])] = 1f;
        }
        return new DataSet(features(indices), Nd4j.create(hot, new long[] {indices.length, classes}, 'c'));
    }

    /**
     * Draws what {@link #batch} would draw for these indices and assembles nothing: how a trial continued from a
     * snapshot moves its augmentation stream past the epochs it did not train here ({@link TrialSnapshot}). The
     * draws are a pure function of the stream ({@link Augmentation#apply}), so applying the augmentation to a
     * scratch image is the one way to draw exactly as many as training did, whatever the augmentation.
     */
    void replay(int[] indices) {
        if (augmentation == Augmentation.NONE) {
            return; // draws nothing
        }
        for (int index : indices) {
            augmentation.apply(images, index, random, scratch, 0);
        }
    }

    /** The images {@code from} (inclusive) to {@code to} (exclusive), normalised, one flattened CHW image a row. */
    public INDArray features(int from, int to) {
        int[] indices = new int[to - from];
        for (int k = 0; k < indices.length; k++) {
            indices[k] = from + k;
        }
        return features(indices);
    }

    private INDArray features(int[] indices) {
        int size = images.imageSize();
        int plane = images.height() * images.width();
        float[] out = new float[indices.length * size];
        for (int k = 0; k < indices.length; k++) {
            augmentation.apply(images, indices[k], random, scratch, 0);
            normalisation.apply(scratch, 0, plane, out, k * size);
        }
        return Nd4j.create(out, new long[] {indices.length, size}, 'c');
    }
}
