package io.mixfarm.core.bench;

import io.mixfarm.core.model.InputShape;
import io.mixfarm.core.model.ModelSpec;

import java.util.List;

/**
 * Analytic FLOPs per image of a network, counted the way GPU and CPU papers count them, so achieved GFLOP/s can be
 * set against the hardware's peak.
 *
 * <p>Convention: only convolutions and dense layers count, at two FLOPs per multiply-accumulate. A training step is
 * the forward pass plus, per layer, one forward-sized product for the weight gradient (trainable layers only) and
 * one for the input gradient (every layer but the first, whose input is the data). BatchNorm, ReLU, pooling,
 * softmax and the SGD update are left out: they are O(activations), about 1% of the total for the paper-size CNN.
 * Engines may do more work than this (DL4J computes the frozen last layer's weight gradient and the first
 * convolution's input gradient anyway); that is their cost, not the network's.
 *
 * @param layers the counted layers, input to output
 */
public record FlopCount(List<LayerFlops> layers) {

    public FlopCount {
        layers = List.copyOf(layers);
    }

    /**
     * The counts of {@link io.mixfarm.core.model.MnistCnn}: {@code conv3x3(C->w) - conv3x3(w->2w) - maxpool2 -
     * dense(->4w) - dense(4w->classes, frozen)}, valid padding, no biases.
     */
    public static FlopCount mnistCnn(ModelSpec model, InputShape input) {
        long w = model.width();
        long h1 = input.height() - 2;
        long w1 = input.width() - 2;
        long h2 = h1 - 2;
        long w2 = w1 - 2;
        long pooled = (h2 / 2) * (w2 / 2) * 2 * w;
        return new FlopCount(List.of(
                new LayerFlops("conv1", h1 * w1 * w * input.channels() * 9, false, true),
                new LayerFlops("conv2", h2 * w2 * 2 * w * w * 9, true, true),
                new LayerFlops("fc1", pooled * 4 * w, true, true),
                new LayerFlops("out", 4 * w * input.classes(), true, false)));
    }

    /** FLOPs to predict one image. */
    public long forwardPerImage() {
        return layers.stream().mapToLong(LayerFlops::forward).sum();
    }

    /** FLOPs of one image's share of an SGD step (forward and backward). */
    public long trainingPerImage() {
        return layers.stream().mapToLong(LayerFlops::training).sum();
    }

    /** Achieved GFLOP/s of a training rate. */
    public double trainingGflops(double imagesPerSecond) {
        return imagesPerSecond * trainingPerImage() / 1e9;
    }

    /** Achieved GFLOP/s of a prediction rate. */
    public double forwardGflops(double imagesPerSecond) {
        return imagesPerSecond * forwardPerImage() / 1e9;
    }
}
