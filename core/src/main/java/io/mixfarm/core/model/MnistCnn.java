package io.mixfarm.core.model;

import io.mixfarm.core.model.fused.BatchNormRelu;
import io.mixfarm.core.model.fused.BiasFreeDense;
import io.mixfarm.core.model.fused.ChannelsLastConvolution;
import io.mixfarm.core.model.fused.FlatToNhwc;
import io.mixfarm.core.schedule.Phase;
import io.mixfarm.core.schedule.Schedule;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * The scale-invariant 4-layer MNIST CNN of experiment.md section 2:
 * {@code conv3x3(C->w) - BN - ReLU - conv3x3(w->2w) - BN - ReLU - maxpool2 - dense(->4w) - BN - ReLU -
 * dense(4w->classes, fixed) - softmax}, valid padding, no biases before a BN (BN cancels them).
 *
 * <p>How the update rule {@code w <- (1 - eta*lambda) w - eta*grad} is obtained from DL4J 1.0.0-M2.1, and the
 * traps on the way (each proven by {@code UpdateRuleTest}):
 * <ul>
 *   <li>Each trainable layer gets plain {@link Sgd} whose learning rate is an epoch-keyed {@link MapSchedule} and a
 *       {@link WeightDecay}{@code (lambda(epoch), applyLR=true)}, which adds {@code lambda * eta(epoch) * w} to the
 *       update after the updater. Weight decay is set per layer: a network-level {@code .weightDecay(..)} is
 *       copied into every layer <em>and</em> appended again, so weights would shrink by {@code 2*eta*lambda}.</li>
 *   <li>Epoch-keyed schedules only move if the network's epoch counter moves, and {@code fit(DataSet)} never
 *       advances it: the trial runner sets it before every epoch.</li>
 *   <li>BN keeps its gamma/beta parameters (oneDNN's BN helper refuses {@code lockGammaBeta}) but they get a
 *       zero-LR SGD and no regularisation, so they stay at 1 and 0: the same maths on the fast path. The fixed
 *       last layer is held the same way. {@code NoOp} would not do: it applies the raw gradient. An empty per-layer
 *       regularisation list means "inherit", which is safe only because nothing is set at network level.</li>
 * </ul>
 */
public final class MnistCnn {

    /** Momentum of BN's running statistics as DL4J counts it (PyTorch's momentum 0.1). */
    private static final double BN_DECAY = 0.9;

    private MnistCnn() {
    }

    /**
     * Builds and initialises the network.
     *
     * @param spec     width and BN epsilon
     * @param input    image shape and number of classes
     * @param schedule learning rate and weight decay per epoch
     * @param initSeed seed of the initial weights (the trial seed, or the experiment's for a shared {@code w0})
     */
    public static ScaleInvariantNet build(ModelSpec spec, InputShape input, Schedule schedule, long initSeed) {
        return build(spec, input, schedule, initSeed, Kernels.FUSED);
    }

    /**
     * Builds the network with the given implementation of its layers: {@link Kernels#DL4J} is DL4J's stock
     * layers, kept as the reference the fused layers are tested and benchmarked against.
     */
    public static ScaleInvariantNet build(ModelSpec spec, InputShape input, Schedule schedule, long initSeed,
                                          Kernels kernels) {
        int w = spec.width();
        boolean fused = kernels == Kernels.FUSED;
        ISchedule lr = epochSchedule(schedule, Phase::lr);
        ISchedule wd = epochSchedule(schedule, Phase::wd);

        NeuralNetConfiguration.ListBuilder layers = new NeuralNetConfiguration.Builder()
                .seed(initSeed)
                .dataType(DataType.FLOAT)
                // Default for any layer not given its own updater: frozen (zero-LR SGD), never NoOp.
                .updater(new Sgd(0.0))
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                .convolutionMode(ConvolutionMode.Truncate)
                .list()
                .layer(conv("conv1", w, lr, wd, fused, false));
        bnRelu(layers, "bn1", "relu1", spec, fused);
        layers.layer(conv("conv2", 2 * w, lr, wd, fused, true));
        bnRelu(layers, "bn2", "relu2", spec, fused);
        layers.layer(new SubsamplingLayer.Builder(PoolingType.MAX).name("pool").dataFormat(CNN2DFormat.NHWC)
                        .kernelSize(2, 2).stride(2, 2).build())
                .layer(dense("fc1", 4 * w, lr, wd, fused));
        bnRelu(layers, "bn3", "relu3", spec, fused);
        MultiLayerConfiguration conf = layers
                // N(0, 1/fan_in) (DL4J's NORMAL divides a standard normal by sqrt(fan_in)), no bias, never updated.
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("out")
                        .nOut(input.classes()).hasBias(false).activation(Activation.SOFTMAX)
                        .weightInit(WeightInit.NORMAL).updater(new Sgd(0.0)).build())
                .setInputType(InputType.feedForward(input.size()))
                .inputPreProcessor(0, new FlatToNhwc(input.height(), input.width(), input.channels()))
                .build();

        MultiLayerNetwork network = new MultiLayerNetwork(conf);
        network.init();
        return new ScaleInvariantNet(network,
                List.of(new WeightGroup("conv1", "W"), new WeightGroup("conv2", "W"), new WeightGroup("fc1", "W")),
                "out", List.of("bn1", "bn2", "bn3", "out"));
    }

    /**
     * A 3x3 convolution, stride 1, no bias.
     *
     * @param inputGradient whether anything reads its input gradient (not for the first layer); only the fused
     *                      layer can skip computing it
     */
    private static Layer conv(String name, int channels, ISchedule lr, ISchedule wd, boolean fused,
                              boolean inputGradient) {
        ConvolutionLayer.Builder builder = fused
                ? new ChannelsLastConvolution.Builder(3, 3).inputGradient(inputGradient)
                : new ConvolutionLayer.Builder(3, 3).dataFormat(CNN2DFormat.NHWC);
        return builder.name(name).nOut(channels).stride(1, 1).hasBias(false)
                .activation(Activation.IDENTITY).weightInit(WeightInit.RELU)
                .updater(new Sgd(lr)).regularization(decay(wd)).build();
    }

    /** A dense layer, no bias, identity activation. */
    private static Layer dense(String name, int units, ISchedule lr, ISchedule wd, boolean fused) {
        DenseLayer.Builder builder = new DenseLayer.Builder().nOut(units).hasBias(false);
        builder.name(name).activation(Activation.IDENTITY).weightInit(WeightInit.RELU)
                .updater(new Sgd(lr)).regularization(decay(wd));
        DenseLayer layer = builder.build();
        return fused ? BiasFreeDense.of(layer) : layer;
    }

    /** BN then ReLU: one fused layer named {@code bnName}, or DL4J's BN and activation layers. */
    private static void bnRelu(NeuralNetConfiguration.ListBuilder layers, String bnName, String reluName,
                               ModelSpec spec, boolean fused) {
        if (fused) {
            layers.layer(BatchNormRelu.of(bnName, spec.bnEps(), BN_DECAY, CNN2DFormat.NHWC));
        } else {
            layers.layer(new BatchNormalization.Builder().name(bnName).eps(spec.bnEps()).decay(BN_DECAY)
                    .dataFormat(CNN2DFormat.NHWC)
                    .lockGammaBeta(false).updater(new Sgd(0.0)).build());
            layers.layer(new ActivationLayer.Builder().name(reluName).activation(Activation.RELU).build());
        }
    }

    private static List<Regularization> decay(ISchedule wd) {
        return List.of(new WeightDecay(wd, true));
    }

    /** The schedule as DL4J's epoch-keyed map; DL4J counts epochs from 0, the schedule from 1. */
    static ISchedule epochSchedule(Schedule schedule, ToDoubleFunction<Phase> value) {
        Map<Integer, Double> byEpoch = new TreeMap<>();
        for (Phase phase : schedule.phases()) {
            byEpoch.put(phase.firstEpoch() - 1, value.applyAsDouble(phase));
        }
        return new MapSchedule(ScheduleType.EPOCH, byEpoch);
    }
}
