package io.mixfarm.core.model;

import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.MultiLayerUpdater;
import org.deeplearning4j.nn.updater.graph.ComputationGraphUpdater;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.Map;

/**
 * DL4J's network updaters, put back on their own fast path.
 *
 * <p>{@code BaseMultiLayerUpdater.update} treats a gradient as "external" (computed by another network) unless
 * {@code gradient.gradient()} is the very object of its flattened gradient view, and M2.1's
 * {@code DefaultGradient.gradient()} returns a new reshape of that view on every call. So every step of every
 * network took the external path, which slices every parameter, gradient and minibatch-division subset anew: about
 * half the Java objects of a training step, most of them holding a native deallocator that the collector and ND4J's
 * deallocator threads then process on the cores the trials need. The update is the same either way (the same memory
 * is read and written); these updaters hand the stock code its own view whenever the gradient is that view.
 */
final class InPlaceUpdaters {

    private InPlaceUpdaters() {
    }

    /** Replaces the network's updater; call after {@code init()} and before the first step (no state is kept). */
    static void install(MultiLayerNetwork network) {
        network.setUpdater(new Chain(network));
    }

    /** As {@link #install(MultiLayerNetwork)}, for a graph. */
    static void install(ComputationGraph graph) {
        graph.setUpdater(new Graph(graph));
    }

    /**
     * {@code gradient} itself if it is not the network's flattened gradient, else the same gradient answering
     * {@code view} as its flattened form, so that the updater recognises it.
     */
    static Gradient asOwnView(Gradient gradient, INDArray view) {
        INDArray flat = gradient.gradient();
        DataBuffer memory = root(view);
        // Both span the whole of one buffer: the same elements, whatever view objects ND4J made of them.
        boolean same = root(flat) == memory && flat.length() == memory.length() && view.length() == memory.length();
        return same ? new OwnView(gradient, view) : gradient;
    }

    /** The buffer a view's buffer wraps (ND4J wraps the original again for every reshape), or its own. */
    private static DataBuffer root(INDArray array) {
        DataBuffer buffer = array.data();
        return buffer.originalDataBuffer() != null ? buffer.originalDataBuffer() : buffer;
    }

    private static final class Chain extends MultiLayerUpdater {
        Chain(MultiLayerNetwork network) {
            super(network);
        }

        @Override
        public synchronized void update(Gradient gradient, int iteration, int epoch, int batchSize,
                                        LayerWorkspaceMgr workspaceMgr) {
            super.update(asOwnView(gradient, getFlattenedGradientsView()), iteration, epoch, batchSize, workspaceMgr);
        }
    }

    private static final class Graph extends ComputationGraphUpdater {
        Graph(ComputationGraph graph) {
            super(graph);
        }

        @Override
        public synchronized void update(Gradient gradient, int iteration, int epoch, int batchSize,
                                        LayerWorkspaceMgr workspaceMgr) {
            super.update(asOwnView(gradient, getFlattenedGradientsView()), iteration, epoch, batchSize, workspaceMgr);
        }
    }

    /** A gradient whose flattened form is the updater's own view object; everything else is the wrapped one's. */
    private record OwnView(Gradient wrapped, INDArray view) implements Gradient {
        @Override
        public INDArray gradient() {
            return view;
        }

        @Override
        public Map<String, INDArray> gradientForVariable() {
            return wrapped.gradientForVariable();
        }

        @Override
        public INDArray gradient(List<String> order) {
            return wrapped.gradient(order);
        }

        @Override
        public void clear() {
            wrapped.clear();
        }

        @Override
        public INDArray getGradientFor(String variable) {
            return wrapped.getGradientFor(variable);
        }

        @Override
        public INDArray setGradientFor(String variable, INDArray gradient) {
            return wrapped.setGradientFor(variable, gradient);
        }

        @Override
        public INDArray setGradientFor(String variable, INDArray gradient, Character flatteningOrder) {
            return wrapped.setGradientFor(variable, gradient, flatteningOrder);
        }

        @Override
        public Character flatteningOrderForVariable(String variable) {
            return wrapped.flatteningOrderForVariable(variable);
        }
    }
}
