package io.mixfarm.core.model;

import io.mixfarm.core.model.fused.FlatToNhwc;
import io.mixfarm.core.model.fused.ResidualAdd;
import io.mixfarm.core.schedule.Schedule;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.util.ArrayList;
import java.util.List;

/**
 * Scale-invariant pre-activation ResNet-32 for CIFAR (He et al. 2016, "Identity mappings"; the paper's figures 1, 2,
 * 4): a 3x3 stem convolution to {@code w} channels, three stages of five basic blocks of {@code w, 2w, 4w} channels
 * (the first block of stages 2 and 3 halves the side with stride 2), then BN - ReLU - global average pool - the fixed
 * last layer. A block is {@code x + conv2(relu(bn2(conv1(relu(bn1(x))))))}, 3x3 convolutions with padding 1. With
 * the stem and 15 x 2 convolutions that is 31 weight layers and the classifier: 32.
 *
 * <p>Scale invariance (the paper's section 6.1, after Li &amp; Arora 2020, appendix C): every BN has a fixed affine
 * map, the last layer is fixed, and the downsampling shortcut, a strided 1x1 convolution, reads the block input
 * through a BN without affine instead of raw. Here that BN is the block's own {@code bn1}: a second BN of the same
 * input with the same (fixed) affine map and epsilon would compute the same numbers.
 *
 * <p>Which weights are invariant, and so what the groups are: the first convolution of a block is followed by BN,
 * so it is invariant on its own; its second convolution is not (its output is added to the residual stream, not
 * normalised). The stream writers (the stem, every block's second convolution and the two shortcut convolutions)
 * are invariant together: scaling them all by {@code c} scales the stream by {@code c} (each block's {@code bn1} and
 * the shortcut's BN see the stream, so its branch scales with its second convolution) and the final BN removes it.
 * Hence the groups: {@code stream} (those 18 layers) and {@code inner1}, {@code inner2}, {@code inner3} (the first
 * convolutions of each stage's five blocks); per-stage groups of all convolutions would not be scale-invariant.
 *
 * <p>With {@link Kernels#FUSED} the graph computes channels-last (NHWC) from the input on, as VGG16 does: every
 * convolution (the stem, which computes no input gradient, the 3x3 ones of stride 1 and 2, the strided 1x1
 * shortcuts) on oneDNN ({@code ChannelsLastConvolution}), each BN and the ReLU after it as one fused layer
 * ({@code BatchNormRelu}). A downsampling block's {@code bn1} is read twice, by its ReLU and by the shortcut, so
 * there it is the fused BN without its ReLU, followed by DL4J's ReLU layer (two of the 31 BNs; a DL4J layer has one
 * output, so one layer handing out both is not a graph vertex). The residual addition is {@code ResidualAdd} (one
 * pass over memory where DL4J's vertex makes two); the global average pool (over the H and W axes of NHWC) and the
 * fixed last layer are DL4J's in both.
 * {@link Kernels#DL4J} is DL4J's stock layers, channels-first: the reference.
 */
public final class PreResNet32 {

    /** Blocks per stage: (32 - 2) / 6 for a basic-block ResNet. */
    static final int BLOCKS = 5;
    /** Stage channels as multiples of the width. */
    private static final int[] STAGE_WIDTH = {1, 2, 4};
    /** The H and W axes of an NHWC activation, which the global average pool averages over. */
    private static final int[] NHWC_SPATIAL = {1, 2};

    private PreResNet32() {
    }

    /** Builds and initialises the network with the given implementation of its layers; see {@link Networks#build}. */
    public static ScaleInvariantNet build(ModelSpec spec, InputShape input, Schedule schedule, long initSeed,
                                          Kernels kernels) {
        boolean fused = kernels == Kernels.FUSED;
        CNN2DFormat format = fused ? CNN2DFormat.NHWC : CNN2DFormat.NCHW;
        UpdateRule rule = UpdateRule.of(schedule);
        ComputationGraphConfiguration.GraphBuilder graph = Layers.network(initSeed)
                .graphBuilder()
                .addInputs("input");

        List<String> stream = new ArrayList<>();
        List<WeightGroup> groups = new ArrayList<>();
        List<String> frozen = new ArrayList<>();
        if (fused) {
            // The trial runner's flat CHW images, made channels-last once per batch (see FlatToNhwc).
            graph.setInputTypes(InputType.feedForward(input.size()))
                    .addLayer("stem", Layers.channelsLastConv("stem", spec.width(), 3, 1, 1, rule, false),
                            new FlatToNhwc(input.height(), input.width(), input.channels()), "input");
        } else {
            graph.setInputTypes(InputType.convolutionalFlat(input.height(), input.width(), input.channels()))
                    .addLayer("stem", Layers.conv("stem", spec.width(), 3, 1, 1, rule), "input");
        }
        stream.add("stem");
        String x = "stem";
        for (int s = 0; s < STAGE_WIDTH.length; s++) {
            int channels = STAGE_WIDTH[s] * spec.width();
            List<String> inner = new ArrayList<>();
            for (int b = 0; b < BLOCKS; b++) {
                String p = "s" + (s + 1) + "b" + (b + 1) + "_";
                boolean down = s > 0 && b == 0;
                String activated;
                if (down) {
                    // bn1's output is read before its ReLU too, by the shortcut below.
                    graph.addLayer(p + "bn1", Layers.bn(p + "bn1", spec, kernels, format), x)
                            .addLayer(p + "relu1", Layers.relu(p + "relu1"), p + "bn1");
                    activated = p + "relu1";
                } else {
                    activated = Layers.bnRelu(graph, x, p + "bn1", p + "relu1", spec, kernels, format);
                }
                graph.addLayer(p + "conv1", conv(fused, p + "conv1", channels, 3, down ? 2 : 1, 1, rule), activated);
                String h = Layers.bnRelu(graph, p + "conv1", p + "bn2", p + "relu2", spec, kernels, format);
                graph.addLayer(p + "conv2", conv(fused, p + "conv2", channels, 3, 1, 1, rule), h);
                String shortcut = x;
                if (down) {
                    // The scale-invariant downsampling shortcut: 1x1 stride 2 on the BN-normalised block input.
                    graph.addLayer(p + "shortcut", conv(fused, p + "shortcut", channels, 1, 2, 0, rule), p + "bn1");
                    shortcut = p + "shortcut";
                    stream.add(shortcut);
                }
                graph.addVertex(p + "add", fused ? new ResidualAdd() : new ElementWiseVertex(ElementWiseVertex.Op.Add),
                        p + "conv2", shortcut);
                inner.add(p + "conv1");
                stream.add(p + "conv2");
                frozen.add(p + "bn1");
                frozen.add(p + "bn2");
                x = p + "add";
            }
            groups.add(new WeightGroup("inner" + (s + 1), inner));
        }
        String top = Layers.bnRelu(graph, x, "final_bn", "final_relu", spec, kernels, format);
        GlobalPoolingLayer.Builder pool = new GlobalPoolingLayer.Builder(PoolingType.AVG);
        if (fused) {
            pool.poolingDimensions(NHWC_SPATIAL);
        }
        graph.addLayer("pool", pool.build(), top)
                .addLayer("out", Layers.fixedOutput("out", input.classes()), "pool")
                .setOutputs("out");
        frozen.add("final_bn");
        frozen.add("out");
        groups.add(0, new WeightGroup("stream", stream));

        ComputationGraph network = new ComputationGraph(graph.build());
        network.init();
        InPlaceUpdaters.install(network);
        return new ScaleInvariantNet(network, groups, "out", frozen);
    }

    /** A bias-free convolution: the channels-last fused one or DL4J's. */
    private static Layer conv(boolean fused, String name, int channels, int kernel, int stride, int padding,
                              UpdateRule rule) {
        return fused ? Layers.channelsLastConv(name, channels, kernel, stride, padding, rule, true)
                : Layers.conv(name, channels, kernel, stride, padding, rule);
    }
}
