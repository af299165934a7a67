package io.mixfarm.core.trial;

/**
 * The state of one scale-invariant weight group at the end of an epoch.
 *
 * @param group       the group's (layer's) name
 * @param norm        {@code ||w||}, the Euclidean norm of the group's weights
 * @param effectiveLr {@code eta / ||w||^2}, the step size the scale-invariant loss actually sees
 */
public record GroupStats(String group, double norm, double effectiveLr) {
}
