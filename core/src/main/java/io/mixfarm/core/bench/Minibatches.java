package io.mixfarm.core.bench;

import io.mixfarm.core.data.Augmentation;
import io.mixfarm.core.data.ImageSet;
import io.mixfarm.core.data.Normalisation;
import io.mixfarm.core.trial.ImageBatches;
import io.mixfarm.core.trial.MinibatchOrder;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.util.List;

/**
 * Real images as the pre-built minibatches a benchmark cycles through, drawn and assembled as a trial does (its
 * minibatch order's first epoch, pixels scaled to [0,1], one-hot labels), full batches only (a trial's last, smaller
 * batch of an epoch is a different shape, which is not steady state).
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
        if (images.count() < batchSize) {
            throw new IllegalArgumentException("a batch of " + batchSize + " needs at least that many images, the "
                    + "set has " + images.count());
        }
        ImageBatches batches = ImageBatches.training(images, unit(images), Augmentation.NONE, seed);
        return new MinibatchOrder(images.count(), batchSize, seed).nextEpoch().stream()
                .filter(indices -> indices.length == batchSize)
                .limit(count)
                .map(batches::batch)
                .toList();
    }

    /** Every image of the set, in order, one flattened CHW image per row. */
    public static INDArray features(ImageSet images) {
        return ImageBatches.evaluation(images, unit(images)).features(0, images.count());
    }

    private static Normalisation unit(ImageSet images) {
        return Normalisation.unit(images.channels());
    }
}
