package io.mixfarm.torchref;

import ai.djl.ndarray.NDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * A minibatch as libtorch tensors, built once before timing as DL4J's batches are.
 *
 * @param images {@code [n, C, H, W]}
 * @param labels one-hot {@code [n, classes]}
 */
public record TorchBatch(NDArray images, NDArray labels) {

    /** The same images and labels as a DL4J batch, copied into tensors owned by {@code model}. */
    public static TorchBatch of(DataSet batch, TorchNet model, int[] shape) {
        int n = batch.numExamples();
        return new TorchBatch(model.images(HostTensor.rowMajor(batch.getFeatures()), n, shape[0], shape[1], shape[2]),
                model.labels(HostTensor.rowMajor(batch.getLabels()), n, batch.getLabels().columns()));
    }

    public int size() {
        return (int) images.getShape().get(0);
    }
}
