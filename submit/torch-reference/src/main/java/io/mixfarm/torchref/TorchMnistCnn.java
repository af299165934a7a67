package io.mixfarm.torchref;

import ai.djl.ndarray.NDArray;

/**
 * {@link io.mixfarm.core.model.MnistCnn} in libtorch:
 * {@code conv1 - bn1 - ReLU - conv2 - bn2 - ReLU - maxpool2 - fc1 - bn3 - ReLU - out (fixed)}, 3x3 convolutions
 * without padding, layers named as mixfarm names them.
 */
public final class TorchMnistCnn extends TorchNet {

    public TorchMnistCnn(NetWeights initial, double bnEps) {
        super(initial, "out", bnEps);
    }

    @Override
    public String firstBatchNorm() {
        return "bn1";
    }

    @Override
    protected NDArray forward(NDArray images, boolean training) {
        NDArray h = relu(batchNorm(conv(images, "conv1", 1, 0), "bn1", training));
        h = relu(batchNorm(conv(h, "conv2", 1, 0), "bn2", training));
        h = maxPool2(h);
        // mixfarm's network computes channels-last and flattens [H, W, C]; flatten in that order so that fc1's
        // weights (taken from DL4J) mean the same thing.
        h = h.transpose(0, 2, 3, 1).reshape(h.getShape().get(0), -1);
        h = relu(batchNorm(linear(h, "fc1"), "bn3", training));
        return linear(h, "out");
    }
}
