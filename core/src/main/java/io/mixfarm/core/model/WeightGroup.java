package io.mixfarm.core.model;

/**
 * One scale-invariant weight group: a trainable layer's weight matrix, followed by a normalisation, so the
 * loss ignores its scale. Its norm and effective learning rate {@code eta / ||w||^2} are recorded per epoch.
 *
 * @param name  the layer's name in the network, also the group's name in metrics
 * @param param the DL4J parameter key of the weights ("W")
 */
public record WeightGroup(String name, String param) {
}
