package io.mixfarm.core.model.fused;

import io.mixfarm.core.model.InputShape;
import io.mixfarm.core.model.Kernels;
import io.mixfarm.core.model.ModelSpec;
import io.mixfarm.core.model.Networks;
import io.mixfarm.core.model.WeightGroup;
import io.mixfarm.core.schedule.Schedules;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.util.function.Function;

/**
 * The CIFAR networks as the fused-layer tests build them: CIFAR-10's input shape, a constant schedule at its first
 * epoch, initial weights from seed 11, so the stock and the fused network of one width start alike.
 */
final class CifarNetworks {

    static final InputShape CIFAR = new InputShape(3, 32, 32, 10);

    private CifarNetworks() {
    }

    static MultiLayerNetwork vgg16(ModelSpec model, Kernels kernels) {
        MultiLayerNetwork network = (MultiLayerNetwork) build(model, kernels);
        network.setEpochCount(0);
        return network;
    }

    static ComputationGraph preResNet32(ModelSpec model, Kernels kernels) {
        ComputationGraph network = (ComputationGraph) build(model, kernels);
        network.getConfiguration().setEpochCount(0);
        return network;
    }

    private static Model build(ModelSpec model, Kernels kernels) {
        return Networks.build(model, CIFAR, Schedules.named("Const", 200), 11, kernels).network();
    }

    /** Every weight matrix (the convolutions' and the fixed last layer's) into {@code to}, from its namesake. */
    static void copyWeights(Function<String, Layer> from, Layer[] to) {
        for (Layer layer : to) {
            String name = layer.conf().getLayer().getLayerName();
            if (layer.paramTable().containsKey(WeightGroup.WEIGHTS)) {
                layer.setParam(WeightGroup.WEIGHTS, from.apply(name).getParam(WeightGroup.WEIGHTS).dup());
            }
        }
    }
}
