package io.mixfarm.core.model.fused;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;

/**
 * Configuration of a dense layer without bias (before a BN, which cancels a bias), computed by
 * {@link BiasFreeDenseLayer} with oneDNN's inner product. To DL4J it is the {@link DenseLayer} it was built from:
 * same parameters, initialisation, updater and regularisation.
 */
public class BiasFreeDense extends DenseLayer {

    /** For Jackson and {@link #clone()}; use {@link #of}. */
    public BiasFreeDense() {
        super();
    }

    /**
     * The same layer as {@code built} (made with DL4J's builder, whose constructor is private), without bias.
     */
    public static BiasFreeDense of(DenseLayer built) {
        BiasFreeDense layer = new BiasFreeDense();
        layer.layerName = built.getLayerName();
        layer.iDropout = built.getIDropout();
        layer.constraints = built.getConstraints();
        layer.nIn = built.getNIn();
        layer.nOut = built.getNOut();
        layer.timeDistributedFormat = built.getTimeDistributedFormat();
        layer.activationFn = built.getActivationFn();
        layer.weightInitFn = built.getWeightInitFn();
        layer.biasInit = built.getBiasInit();
        layer.gainInit = built.getGainInit();
        layer.regularization = built.getRegularization();
        layer.regularizationBias = built.getRegularizationBias();
        layer.iUpdater = built.getIUpdater();
        layer.biasUpdater = built.getBiasUpdater();
        layer.weightNoise = built.getWeightNoise();
        layer.gradientNormalization = built.getGradientNormalization();
        layer.gradientNormalizationThreshold = built.getGradientNormalizationThreshold();
        layer.setHasLayerNorm(built.hasLayerNorm());
        layer.setHasBias(false);
        return layer;
    }

    @Override
    public BiasFreeDense clone() {
        return (BiasFreeDense) super.clone();
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams,
                             DataType networkDataType) {
        return LayerWiring.wire(new BiasFreeDenseLayer(conf, networkDataType), conf, initializer(), trainingListeners,
                layerIndex, layerParamsView, initializeParams);
    }
}
