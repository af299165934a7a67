package io.mixfarm.core.model.fused;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;


/**
 * A bias-free, identity-activation dense layer on oneDNN's inner product. DL4J's layer goes through ND4J's generic
 * matrix multiply three times per step, slower than oneDNN on the same shapes (the figures:
 * docs/performance.md, "What was tried"; docs/performance.md, "Figures quoted by the code"). Where oneDNN cannot be
 * used, or the configuration is not this one, it is DL4J's layer.
 */
public class BiasFreeDenseLayer extends DenseLayer {

    private final boolean fused;
    /** Kernels per batch size; the weights are DL4J's column-major {@code [in, out]}. */
    private final WeightedPass pass = new WeightedPass(
            (shape, purpose) -> WeightedKernels.innerProduct(shape[0], layerConf().getNIn(), layerConf().getNOut(),
                    purpose), 'f');

    public BiasFreeDenseLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
        org.deeplearning4j.nn.conf.layers.DenseLayer c = layerConf();
        fused = Dnnl.usable() && dataType == DataType.FLOAT && !c.hasBias() && !c.hasLayerNorm()
                && c.getActivationFn() instanceof ActivationIdentity
                && c.getIDropout() == null && c.getWeightNoise() == null;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (!fused) {
            return super.activate(training, workspaceMgr);
        }
        assertInputSet(false);
        return pass.forward(input, getParam(DefaultParamInitializer.WEIGHT_KEY), training, workspaceMgr);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (!fused) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        assertInputSet(true);
        return pass.backprop(epsilon, gradientViews, DefaultParamInitializer.WEIGHT_KEY, workspaceMgr, layerId());
    }
}
