package io.mixfarm.core.model;

import java.util.List;

/**
 * One scale-invariant weight group: weight matrices ({@code "W"}) of trainable layers that the loss ignores when
 * all of them are multiplied by the same {@code c > 0}. Its norm (of all its layers' weights together) and effective
 * learning rate {@code eta / ||w||^2} are recorded per epoch, which is meaningful only because the group is
 * scale-invariant: that is what decides how layers are grouped, not convenience.
 *
 * @param name   the group's name in metrics ({@code norm_<name>}): a letter, then letters, digits or {@code _}
 * @param layers the names of its layers, at least one
 */
public record WeightGroup(String name, List<String> layers) {

    /** The weight parameter of every trainable layer. */
    public static final String WEIGHTS = "W";

    public WeightGroup {
        layers = List.copyOf(layers);
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("weight group " + name + " has no layers");
        }
    }

    /** A group of one layer, named after it. */
    public static WeightGroup of(String layer) {
        return new WeightGroup(layer, List.of(layer));
    }
}
