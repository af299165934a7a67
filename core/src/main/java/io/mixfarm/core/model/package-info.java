/**
 * Scale-invariant networks in DL4J: every BatchNorm keeps gamma=1, beta=0, the last layer is fixed at its random
 * initialisation, and the trainable weights fall into groups whose joint scale the loss ignores
 * ({@link io.mixfarm.core.model.WeightGroup}). {@link io.mixfarm.core.model.Networks} builds the architecture a
 * {@link io.mixfarm.core.model.ModelSpec} names: the MNIST CNN (a chain), PreResNet32 (a graph) or VGG16 (a chain);
 * {@link io.mixfarm.core.model.UpdateRule} makes DL4J apply exactly the paper's update, with or without momentum.
 */
package io.mixfarm.core.model;
