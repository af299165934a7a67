/**
 * The PyTorch reference of issues 6 and 15: the trials' networks (the MNIST CNN, PreResNet32 and VGG16, each a
 * {@link io.mixfarm.torchref.TorchNet}) in libtorch 2.7.1 through DJL, started from the DL4J network's own initial
 * weights, trained on the same minibatches and timed with the same {@link io.mixfarm.core.bench.RateMeter},
 * alternating with DL4J in one JVM. A measuring instrument: nothing in the shipped jar depends on this package, and
 * libtorch is on the classpath only with {@code -Ptorch}.
 */
package io.mixfarm.torchref;
