package io.mixfarm.core.model;

import java.util.Locale;

/** Which implementation computes a network's layers; both compute the same function. */
public enum Kernels {
    /** DL4J's stock layers (with its oneDNN helpers): the reference. */
    DL4J,
    /** mixfarm's fused layers over oneDNN (io.mixfarm.core.model.fused), the default for training. */
    FUSED;

    /** The name in outputs, e.g. {@code fused} or {@code dl4j}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
