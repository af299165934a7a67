package io.mixfarm.core.bench;

import io.mixfarm.core.data.ImageSet;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Real images as the pre-built minibatches a benchmark cycles through: pixels scaled to [0,1] as the trial runner
 * scales them, a seeded shuffle, full batches only (a trial's last, smaller batch of an epoch is a different shape,
 * which is not steady state).
 */
public final class Minibatches {

    private Minibatches() {
    }

    /**
     * Up to {@code count} distinct full batches of {@code batchSize} shuffled images (fewer if the set is smaller).
     *
     * @throws IllegalArgumentException if the set holds less than one batch
     */
    public static List<DataSet> of(ImageSet images, int batchSize, int count, long seed) {
        int available = images.count() / batchSize;
        if (available < 1) {
            throw new IllegalArgumentException("a batch of " + batchSize + " needs at least that many images, the "
                    + "set has " + images.count());
        }
        int[] order = shuffled(images.count(), seed);
        List<DataSet> batches = new ArrayList<>();
        for (int b = 0; b < Math.min(count, available); b++) {
            int[] indices = new int[batchSize];
            System.arraycopy(order, b * batchSize, indices, 0, batchSize);
            batches.add(new DataSet(features(images, indices), oneHot(images, indices)));
        }
        return batches;
    }

    /** Every image of the set, in order, one flattened CHW image per row. */
    public static INDArray features(ImageSet images) {
        int[] all = new int[images.count()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        return features(images, all);
    }

    private static INDArray features(ImageSet images, int[] indices) {
        int size = images.imageSize();
        byte[] pixels = images.pixels();
        float[] scaled = new float[indices.length * size];
        for (int row = 0; row < indices.length; row++) {
            int from = indices[row] * size;
            for (int j = 0; j < size; j++) {
                scaled[row * size + j] = (pixels[from + j] & 0xFF) / 255f;
            }
        }
        return Nd4j.create(scaled, new long[] {indices.length, size}, 'c');
    }

    private static INDArray oneHot(ImageSet images, int[] indices) {
        float[] hot = new float[indices.length * images.classes()];
        for (int row = 0; row < indices.length; row++) {
            hot[row * images.classes() + images.label(indices[row])] = 1f;
        }
        return Nd4j.create(hot, new long[] {indices.length, images.classes()}, 'c');
    }

    private static int[] shuffled(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
