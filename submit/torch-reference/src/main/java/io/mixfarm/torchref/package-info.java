/**
 * The PyTorch reference of issue 6: the trial's network in libtorch 2.7.1 through DJL, started from the DL4J
 * network's own initial weights, trained on the same minibatches and timed with the same
 * {@link io.mixfarm.core.bench.RateMeter}, alternating with DL4J in one JVM. A measuring instrument: nothing in the
 * shipped jar depends on this package, and libtorch is on the classpath only with {@code -Ptorch}.
 */
package io.mixfarm.torchref;
