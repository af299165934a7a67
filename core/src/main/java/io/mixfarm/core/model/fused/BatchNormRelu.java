package io.mixfarm.core.model.fused;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Sgd;

import java.util.Collection;

/**
 * Configuration of a scale-invariant BatchNorm followed by ReLU, as one layer: {@code relu((x - mu) / sqrt(var +
 * eps))} per channel. It is a {@link BatchNormalization} in every respect DL4J sees (parameters, their updaters,
 * running statistics, input types), so networks, updaters and tests treat it as one; only the computation is
 * {@link BatchNormReluLayer}'s.
 *
 * <p>As in the unfused network, gamma and beta exist (DL4J's layout) but get a zero-LR SGD and no
 * regularisation, so they stay 1 and 0; the fused kernels do not read them.
 *
 * <p>{@link #withoutRelu} is the same layer without the ReLU, for a BN whose output is also read before its ReLU
 * (PreResNet32's downsampling blocks, where {@code bn1} feeds the strided shortcut as well): a DL4J layer has one
 * output, so a layer handing out both would not fit a graph vertex.
 */
public class BatchNormRelu extends BatchNormalization {

    /** Whether the ReLU follows the normalisation (in the same oneDNN pass). */
    private boolean relu = true;

    /** For Jackson and {@link #clone()}; use {@link #of}. */
    public BatchNormRelu() {
        super();
    }

    /**
     * @param name  layer name
     * @param eps   BN's epsilon
     * @param decay momentum of the running statistics as DL4J counts it (0.9 = PyTorch's 0.1)
     * @param format where a 4-d input has its channels
     */
    public static BatchNormRelu of(String name, double eps, double decay, CNN2DFormat format) {
        BatchNormRelu layer = new BatchNormRelu();
        layer.setLayerName(name);
        layer.setEps(eps);
        layer.setDecay(decay);
        layer.setLockGammaBeta(false);
        // Keep the running variance itself (DL4J's builder default stores log10 of the std): oneDNN reads it.
        layer.setUseLogStd(false);
        layer.setIUpdater(new Sgd(0.0));
        layer.setCnn2DFormat(format);
        return layer;
    }

    /** As {@link #of}, the normalisation alone: {@code (x - mu) / sqrt(var + eps)}. */
    public static BatchNormRelu withoutRelu(String name, double eps, double decay, CNN2DFormat format) {
        BatchNormRelu layer = of(name, eps, decay, format);
        layer.setRelu(false);
        return layer;
    }

    public boolean isRelu() {
        return relu;
    }

    public void setRelu(boolean relu) {
        this.relu = relu;
    }

    @Override
    public BatchNormRelu clone() {
        return (BatchNormRelu) super.clone();
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams,
                             DataType networkDataType) {
        return LayerWiring.wire(new BatchNormReluLayer(conf, networkDataType), conf, initializer(), trainingListeners,
                layerIndex, layerParamsView, initializeParams);
    }
}
