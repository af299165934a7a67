package io.mixfarm.core.trial;

import io.mixfarm.core.data.ImageSet;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An image set as ND4J arrays, built once per trial: minibatches are gathered from it by index, so an epoch
 * copies only the rows it trains on, never the whole data set.
 */
final class TensorData {

    /** Pixels scaled to [0,1], one flattened CHW image per row. */
    private final INDArray features;
    private final INDArray oneHot;
    private final int[] labels;

    private TensorData(INDArray features, INDArray oneHot, int[] labels) {
        this.features = features;
        this.oneHot = oneHot;
        this.labels = labels;
    }

    static TensorData of(ImageSet images) {
        int n = images.count();
        int size = images.imageSize();
        byte[] pixels = images.pixels();
        float[] scaled = new float[n * size];
        for (int i = 0; i < scaled.length; i++) {
            scaled[i] = (pixels[i] & 0xFF) / 255f;
        }
        int[] labels = new int[n];
        float[] hot = new float[n * images.classes()];
        for (int i = 0; i < n; i++) {
            labels[i] = images.label(i);
            hot[i * images.classes() + labels[i]] = 1f;
        }
        return new TensorData(Nd4j.create(scaled, new long[] {n, size}, 'c'),
                Nd4j.create(hot, new long[] {n, images.classes()}, 'c'), labels);
    }

    int count() {
        return labels.length;
    }

    int label(int i) {
        return labels[i];
    }

    /** The examples at these indices, in this order. */
    DataSet batch(int[] indices) {
        return new DataSet(Nd4j.pullRows(features, 1, indices), Nd4j.pullRows(oneHot, 1, indices));
    }

    /** Rows {@code from} (inclusive) to {@code to} (exclusive) of the features, without copying. */
    INDArray features(int from, int to) {
        return features.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to),
                org.nd4j.linalg.indexing.NDArrayIndex.all());
    }
}
