package io.mixfarm.torchref;

import io.mixfarm.core.model.ScaleInvariantNet;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The weight tensors of a {@link ScaleInvariantNet} by layer name, in PyTorch's layout: every trainable layer's and
 * the fixed last layer's. DL4J keeps convolution weights as {@code [out, in, kh, kw]}, as PyTorch does, but dense
 * weights as {@code [in, out]}, where {@code torch.nn.Linear} has {@code [out, in]}: those (the rank-2 ones) are
 * transposed.
 *
 * @param layers weights by layer name, in the network's order (trainable layers group by group, then the last layer)
 */
public record NetWeights(Map<String, HostTensor> layers) {

    public NetWeights {
        layers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(layers));
    }

    /** The network's current weights, converted. */
    public static NetWeights of(ScaleInvariantNet network) {
        Map<String, HostTensor> layers = new LinkedHashMap<>();
        for (String layer : network.trainableLayers()) {
            layers.put(layer, torchLayout(network.param(layer, "W")));
        }
        layers.put(network.outputLayer(), torchLayout(network.param(network.outputLayer(), "W")));
        return new NetWeights(layers);
    }

    /** One layer's weights. */
    public HostTensor layer(String name) {
        HostTensor tensor = layers.get(name);
        if (tensor == null) {
            throw new IllegalArgumentException("no weights of layer \"" + name + "\"; have " + layers.keySet());
        }
        return tensor;
    }

    /** The layer names, in order. */
    public List<String> names() {
        return List.copyOf(layers.keySet());
    }

    private static HostTensor torchLayout(INDArray weights) {
        return HostTensor.of(weights.rank() == 2 ? weights.transpose() : weights);
    }
}
