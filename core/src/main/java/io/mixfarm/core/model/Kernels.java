package io.mixfarm.core.model;

/** Which implementation computes a network's layers; both compute the same function. */
public enum Kernels {
    /** DL4J's stock layers (with its oneDNN helpers): the reference. */
    DL4J,
    /** mixfarm's fused layers over oneDNN (io.mixfarm.core.model.fused), the default for training. */
    FUSED
}
