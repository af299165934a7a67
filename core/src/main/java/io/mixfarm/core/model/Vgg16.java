package io.mixfarm.core.model;

import io.mixfarm.core.model.fused.ChannelsLastMaxPooling;
import io.mixfarm.core.model.fused.FlatToNhwc;
import io.mixfarm.core.schedule.Schedule;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.util.ArrayList;
import java.util.List;

/**
 * Scale-invariant VGG16 with BN (figures 11, 12; docs/method.md, "Scale-invariant networks"): five blocks of
 * {@code conv3x3 - BN - ReLU} (2, 2, 3, 3, 3 convolutions of {@code w, 2w, 4w, 8w, 8w} channels, padding 1), each
 * block ending in a 2x2 max-pool, so 32x32 comes out as 1x1 with {@code 8w} channels; then the fixed last layer
 * ({@code 8w -> classes}, no bias, never updated). This is the usual CIFAR VGG16-BN (a single linear classifier
 * after the convolutions, as in the common PyTorch CIFAR ports); the paper does not spell it out.
 *
 * <p>Every convolution is followed by a BN without affine, so each is scale-invariant on its own; the metric groups
 * are the five blocks ({@code block1..block5}), a union of invariant layers being invariant too, to keep the metrics
 * table at five norms rather than thirteen.
 *
 * <p>With {@link Kernels#FUSED} the network computes channels-last (NHWC) throughout, as the MNIST CNN does: the
 * convolutions on oneDNN directly ({@code ChannelsLastConvolution}), each BN and its ReLU as one fused layer
 * ({@code BatchNormRelu}), the max pooling on oneDNN ({@code ChannelsLastMaxPooling}); the fixed last layer is
 * DL4J's own in both (a {@code 8w x classes} product, too small to matter). {@link Kernels#DL4J} is DL4J's stock
 * layers, channels-first: the reference.
 */
public final class Vgg16 {

    /** Convolutions per block and their channels as multiples of the width. */
    private static final int[][] BLOCKS = {{1, 1}, {2, 2}, {4, 4, 4}, {8, 8, 8}, {8, 8, 8}};
    /** Five 2x2 poolings halve the side five times. */
    private static final int REDUCTION = 32;

    private Vgg16() {
    }

    /** Builds and initialises the network with the given implementation of its layers; see {@link Networks#build}. */
    public static ScaleInvariantNet build(ModelSpec spec, InputShape input, Schedule schedule, long initSeed,
                                          Kernels kernels) {
        if (input.height() < REDUCTION || input.width() < REDUCTION) {
            throw new IllegalArgumentException("vgg16 needs images of at least " + REDUCTION + "x" + REDUCTION
                    + " (five 2x2 poolings), got " + input.height() + "x" + input.width());
        }
        boolean fused = kernels == Kernels.FUSED;
        CNN2DFormat format = fused ? CNN2DFormat.NHWC : CNN2DFormat.NCHW;
        UpdateRule rule = UpdateRule.of(schedule);
        NeuralNetConfiguration.ListBuilder layers = Layers.network(initSeed).list();
        List<WeightGroup> groups = new ArrayList<>();
        List<String> frozen = new ArrayList<>();
        for (int b = 0; b < BLOCKS.length; b++) {
            List<String> convs = new ArrayList<>();
            for (int c = 0; c < BLOCKS[b].length; c++) {
                String name = "b" + (b + 1) + "c" + (c + 1);
                int channels = BLOCKS[b][c] * spec.width();
                boolean readsImages = b == 0 && c == 0;
                layers.layer(fused ? Layers.channelsLastConv(name, channels, 3, 1, 1, rule, !readsImages)
                        : Layers.conv(name, channels, 3, 1, 1, rule));
                Layers.bnRelu(layers, name + "_bn", name + "_relu", spec, kernels, format);
                convs.add(name);
                frozen.add(name + "_bn");
            }
            SubsamplingLayer pool = new SubsamplingLayer.Builder(PoolingType.MAX).name("pool" + (b + 1))
                    .dataFormat(format).kernelSize(2, 2).stride(2, 2).build();
            layers.layer(fused ? ChannelsLastMaxPooling.of(pool) : pool);
            groups.add(new WeightGroup("block" + (b + 1), convs));
        }
        layers.layer(Layers.fixedOutput("out", input.classes()));
        frozen.add("out");
        if (fused) {
            // The trial runner's flat CHW images, made channels-last once per batch (see FlatToNhwc).
            layers.setInputType(InputType.feedForward(input.size()))
                    .inputPreProcessor(0, new FlatToNhwc(input.height(), input.width(), input.channels()));
        } else {
            layers.setInputType(InputType.convolutionalFlat(input.height(), input.width(), input.channels()));
        }

        MultiLayerNetwork network = new MultiLayerNetwork(layers.build());
        network.init();
        InPlaceUpdaters.install(network);
        return new ScaleInvariantNet(network, groups, "out", frozen);
    }
}
