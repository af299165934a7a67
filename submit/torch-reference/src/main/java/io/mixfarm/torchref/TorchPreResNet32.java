package io.mixfarm.torchref;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.pooling.Pool;

/**
 * {@link io.mixfarm.core.model.PreResNet32} in libtorch, written from its documented structure, not from DL4J's
 * graph: a 3x3 stem convolution, three stages of five pre-activation blocks
 * {@code x + conv2(relu(bn2(conv1(relu(bn1(x))))))} (3x3, padding 1; the first block of stages 2 and 3 has stride
 * 2 and a strided 1x1 shortcut convolution reading {@code bn1(x)}, the block's own BN), then
 * {@code final_bn - relu - global average pool - out} (fixed). Layer names are mixfarm's, so the weights of a
 * DL4J network fit by name.
 */
public final class TorchPreResNet32 extends TorchNet {

    private static final int STAGES = 3;
    private static final int BLOCKS = 5;

    public TorchPreResNet32(NetWeights initial, double bnEps) {
        super(initial, "out", bnEps);
    }

    @Override
    public String firstBatchNorm() {
        return "s1b1_bn1";
    }

    @Override
    protected NDArray forward(NDArray images, boolean training) {
        NDArray x = conv(images, "stem", 1, 1);
        for (int s = 1; s <= STAGES; s++) {
            for (int b = 1; b <= BLOCKS; b++) {
                String p = "s" + s + "b" + b + "_";
                boolean down = s > 1 && b == 1;
                NDArray normalised = batchNorm(x, p + "bn1", training);
                NDArray h = conv(relu(normalised), p + "conv1", down ? 2 : 1, 1);
                h = conv(relu(batchNorm(h, p + "bn2", training)), p + "conv2", 1, 1);
                NDArray shortcut = down ? conv(normalised, p + "shortcut", 2, 0) : x;
                x = h.add(shortcut);
            }
        }
        NDArray pooled = Pool.globalAvgPool2d(relu(batchNorm(x, "final_bn", training)));
        return linear(pooled.reshape(pooled.getShape().get(0), -1), "out");
    }
}
