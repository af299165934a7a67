package io.mixfarm.core.model;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.util.List;

/**
 * A built network together with what the trial runner needs to know about it.
 *
 * @param network     the initialised DL4J network
 * @param groups      its scale-invariant (trainable) weight groups
 * @param outputLayer name of the fixed last layer
 * @param frozen      names of the layers whose parameters must never change (BN constants, last layer)
 */
public record ScaleInvariantNet(MultiLayerNetwork network, List<WeightGroup> groups, String outputLayer,
                                List<String> frozen) {

    public ScaleInvariantNet {
        groups = List.copyOf(groups);
        frozen = List.copyOf(frozen);
    }
}
