package io.mixfarm.torchref;

import io.mixfarm.core.bench.FlopCount;
import io.mixfarm.core.bench.LayerFlops;
import io.mixfarm.core.model.ScaleInvariantNet;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@link FlopCount} of any mixfarm network, in its convention, read off the network itself: one image's forward pass
 * gives each convolution's output size, and a convolution's multiply-accumulates are
 * {@code outC * outH * outW * inC * kh * kw}, a dense layer's {@code nIn * nOut}. The layer that reads the images
 * needs no input gradient, the fixed last layer no weight gradient.
 */
final class NetFlops {

    private NetFlops() {
    }

    /** The counts for one image of {@code image}'s shape ({@code [1, C*H*W]}). */
    static FlopCount of(ScaleInvariantNet net, INDArray image) {
        List<LayerFlops> layers = new ArrayList<>();
        if (net.network() instanceof ComputationGraph graph) {
            Map<String, INDArray> activations = graph.feedForward(image, false);
            String firstLayer = net.trainableLayers().get(0);
            for (org.deeplearning4j.nn.api.Layer layer : graph.getLayers()) {
                String name = layer.conf().getLayer().getLayerName();
                count(layer, activations.get(name), name.equals(firstLayer), net, layers);
            }
        } else {
            MultiLayerNetwork chain = (MultiLayerNetwork) net.network();
            List<INDArray> activations = chain.feedForward(image, false);
            for (int i = 0; i < chain.getnLayers(); i++) {
                count(chain.getLayer(i), activations.get(i + 1), layers.isEmpty(), net, layers);
            }
        }
        return new FlopCount(layers);
    }

    private static void count(org.deeplearning4j.nn.api.Layer layer, INDArray output, boolean readsImages,
                              ScaleInvariantNet net, List<LayerFlops> layers) {
        String name = layer.conf().getLayer().getLayerName();
        boolean trained = !net.frozen().contains(name);
        if (layer.conf().getLayer() instanceof ConvolutionLayer conv) {
            long[] kernel = {conv.getKernelSize()[0], conv.getKernelSize()[1]};
            long macs = output.length() * conv.getNIn() * kernel[0] * kernel[1];
            layers.add(new LayerFlops(name, macs, !readsImages, trained));
        } else if (layer.conf().getLayer() instanceof FeedForwardLayer dense
                && !(layer.conf().getLayer() instanceof BatchNormalization)) {
            layers.add(new LayerFlops(name, dense.getNIn() * dense.getNOut(), !readsImages, trained));
        }
    }
}
