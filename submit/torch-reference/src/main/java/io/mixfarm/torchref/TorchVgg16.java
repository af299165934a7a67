package io.mixfarm.torchref;

import ai.djl.ndarray.NDArray;

/**
 * {@link io.mixfarm.core.model.Vgg16} in libtorch, written from its documented structure: five blocks of
 * {@code conv3x3 (padding 1) - BN - ReLU} (2, 2, 3, 3, 3 convolutions named {@code b<block>c<conv>}), each ending in
 * a 2x2 max pool, then flatten and the fixed last layer {@code out}.
 */
public final class TorchVgg16 extends TorchNet {

    private static final int[] CONVOLUTIONS = {2, 2, 3, 3, 3};

    public TorchVgg16(NetWeights initial, double bnEps) {
        super(initial, "out", bnEps);
    }

    @Override
    public String firstBatchNorm() {
        return "b1c1_bn";
    }

    @Override
    protected NDArray forward(NDArray images, boolean training) {
        NDArray x = images;
        for (int b = 1; b <= CONVOLUTIONS.length; b++) {
            for (int c = 1; c <= CONVOLUTIONS[b - 1]; c++) {
                String name = "b" + b + "c" + c;
                x = relu(batchNorm(conv(x, name, 1, 1), name + "_bn", training));
            }
            x = maxPool2(x);
        }
        // Flattened [C, H, W] per image, as DL4J's CnnToFeedForwardPreProcessor does (1x1 for 32x32 images).
        return linear(x.reshape(x.getShape().get(0), -1), "out");
    }
}
