package io.mixfarm.torchref;

import ai.djl.ndarray.NDArray;

/**
 * A libtorch model that owns the tensors it is fed, trains and predicts: {@link TorchCnn} and every {@link TorchNet}.
 */
public interface TorchModel {

    /** A batch of flattened images {@code [n, C*H*W]} as a tensor {@code [n, C, H, W]} owned by this model. */
    NDArray images(float[] values, int n, int channels, int height, int width);

    /** One-hot labels {@code [n, classes]} as a tensor owned by this model. */
    NDArray labels(float[] oneHot, int n, int classes);

    /** One SGD step with learning rate {@code lr} and weight decay {@code wd}; returns the loss before it. */
    float trainStep(NDArray images, NDArray oneHot, float lr, float wd);

    /** The predicted class probabilities of {@code images}. */
    float[] predict(NDArray images);
}
