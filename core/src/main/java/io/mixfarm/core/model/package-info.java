/**
 * Scale-invariant networks in DL4J: every trainable weight is followed by a BatchNorm whose affine parameters
 * stay at gamma=1, beta=0, and the last layer is fixed at its random initialisation.
 */
package io.mixfarm.core.model;
