package io.mixfarm.torchref;

import io.mixfarm.core.model.MnistCnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.util.List;

/**
 * The four weight tensors of {@link MnistCnn} in PyTorch's layout. DL4J keeps convolution weights as
 * {@code [out, in, kh, kw]}, as PyTorch does, but dense weights as {@code [in, out]}, where {@code torch.nn.Linear}
 * has {@code [out, in]}: those are transposed.
 *
 * @param conv1 {@code [w, channels, 3, 3]}
 * @param conv2 {@code [2w, w, 3, 3]}
 * @param fc1   {@code [4w, 2w * 12 * 12]} for 28x28 images
 * @param out   {@code [classes, 4w]}, the fixed last layer
 */
public record CnnWeights(HostTensor conv1, HostTensor conv2, HostTensor fc1, HostTensor out) {

    /** The names of the trainable groups, as in {@link MnistCnn} and the trial's metrics. */
    public static final List<String> TRAINABLE = List.of("conv1", "conv2", "fc1");

    /** The network's current weights, converted. */
    public static CnnWeights of(MultiLayerNetwork network) {
        return new CnnWeights(convolution(network, "conv1"), convolution(network, "conv2"), dense(network, "fc1"),
                dense(network, "out"));
    }

    /** A trainable group by name. */
    public HostTensor group(String name) {
        return switch (name) {
            case "conv1" -> conv1;
            case "conv2" -> conv2;
            case "fc1" -> fc1;
            default -> throw new IllegalArgumentException("no trainable group " + name);
        };
    }

    private static HostTensor convolution(MultiLayerNetwork network, String layer) {
        return HostTensor.of(network.getLayer(layer).getParam("W"));
    }

    private static HostTensor dense(MultiLayerNetwork network, String layer) {
        return HostTensor.of(network.getLayer(layer).getParam("W").transpose());
    }
}
