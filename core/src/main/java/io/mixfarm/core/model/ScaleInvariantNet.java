package io.mixfarm.core.model;

import io.mixfarm.core.model.fused.InferenceProgram;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.impl.LayerVertex;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A built network together with what the trial runner needs to know about it, and the handful of operations it
 * performs, the same for a {@link MultiLayerNetwork} (a chain, such as the MNIST CNN and VGG16) and a
 * {@link ComputationGraph} (PreResNet32's residual additions need a graph).
 *
 * @param network     the initialised DL4J network: a {@link MultiLayerNetwork} or a {@link ComputationGraph}
 * @param groups      its scale-invariant weight groups; together they hold every trainable weight
 * @param outputLayer name of the fixed last layer
 * @param frozen      names of the layers whose parameters must never change (BN constants, last layer)
 * @param inference   the graph's inference form ({@link InferenceProgram}: BN folded into the convolutions before
 *                    it, residual additions into the convolutions), which computes {@link #output} in inference mode;
 *                    {@code null} where it has none (a chain, DL4J's stock layers, the CUDA backend, float64)
 */
public record ScaleInvariantNet(Model network, List<WeightGroup> groups, String outputLayer, List<String> frozen,
                                InferenceProgram inference) {

    /**
     * The workspace the training-mode pass of {@link #forEachBatchNormInput} runs in, one per thread as ND4J's
     * workspaces are: sized by the first pass, then reused.
     */
    static final String PASS_WORKSPACE = "MIXFARM_BN_INPUT_PASS";

    /** The network with its inference form where it has one ({@link InferenceProgram#compile}). */
    public ScaleInvariantNet(Model network, List<WeightGroup> groups, String outputLayer, List<String> frozen) {
        this(network, groups, outputLayer, frozen, network instanceof ComputationGraph graph
                ? InferenceProgram.compile(graph).orElse(null) : null);
    }

    public ScaleInvariantNet {
        if (!(network instanceof MultiLayerNetwork) && !(network instanceof ComputationGraph)) {
            throw new IllegalArgumentException("not a MultiLayerNetwork or ComputationGraph: " + network.getClass());
        }
        groups = List.copyOf(groups);
        frozen = List.copyOf(frozen);
    }

    /** Every trainable layer, group by group. */
    public List<String> trainableLayers() {
        return groups.stream().flatMap(g -> g.layers().stream()).toList();
    }

    /** One SGD step on a minibatch. */
    public void fit(DataSet batch) {
        if (network instanceof MultiLayerNetwork chain) {
            chain.fit(batch);
        } else {
            ((ComputationGraph) network).fit(batch);
        }
    }

    /**
     * Class probabilities for flattened images, one row each. In inference mode a graph with an
     * {@link #inference() inference form} computes them through it: the same function, in fewer passes.
     *
     * @param training BN in training mode (batch statistics, what SGD sees) or inference mode (running averages)
     */
    public INDArray output(INDArray features, boolean training) {
        if (network instanceof MultiLayerNetwork chain) {
            return chain.output(features, training);
        }
        if (!training && inference != null) {
            return inference.output(features);
        }
        return ((ComputationGraph) network).outputSingle(training, features);
    }

    /** A layer's parameter, e.g. {@code param("conv1", "W")}; a view, so changing it changes the network. */
    public INDArray param(String layer, String key) {
        return layer(layer).getParam(key);
    }

    /** All parameters of a layer by key; views. */
    public Map<String, INDArray> paramTable(String layer) {
        return layer(layer).paramTable();
    }

    /** The Euclidean norm of a group's weights, all its layers together. */
    public double norm(WeightGroup group) {
        double squares = 0;
        for (String layer : group.layers()) {
            double norm = param(layer, WeightGroup.WEIGHTS).norm2Number().doubleValue();
            squares += norm * norm;
        }
        return Math.sqrt(squares);
    }

    /**
     * Sets DL4J's epoch counter, which keys the LR, WD and momentum schedules and which {@code fit(DataSet)} never
     * advances.
     *
     * @param epoch the 1-based epoch about to be trained
     */
    public void startEpoch(int epoch) {
        if (network instanceof MultiLayerNetwork chain) {
            chain.setEpochCount(epoch - 1);
        } else {
            ((ComputationGraph) network).getConfiguration().setEpochCount(epoch - 1);
        }
    }

    /** The BatchNorm layers (DL4J's, or the fused BN+ReLU, which is one), in the order the input meets them. */
    public List<BatchNormalization> batchNormLayers() {
        List<BatchNormalization> found = new ArrayList<>();
        if (network instanceof MultiLayerNetwork chain) {
            for (org.deeplearning4j.nn.api.Layer layer : chain.getLayers()) {
                if (layer instanceof BatchNormalization bn) {
                    found.add(bn);
                }
            }
        } else {
            ComputationGraph graph = (ComputationGraph) network;
            for (int index : graph.topologicalSortOrder()) {
                if (graph.getVertices()[index].getLayer() instanceof BatchNormalization bn) {
                    found.add(bn);
                }
            }
        }
        return found;
    }

    /**
     * One forward pass in training mode, as an SGD step makes it (every BN normalises with the batch's own
     * statistics), up to the last BN layer, handing what each BN layer received, by layer name in network order, to
     * {@code consumer}; then every array the pass made goes at once. It takes no step and calls no listener; DL4J's
     * BN may still move its running statistics in a training pass, so a caller that must leave them as they were
     * saves and restores the parameters around it (as {@link PopulationStatistics#evaluate} does).
     *
     * <p>Why a workspace: ND4J frees an array made outside one only when a garbage collection finds its small Java
     * object, which a large heap rarely needs, and malloc keeps the space meanwhile. Evaluations at many record
     * points made a farm's JVM grow by gigabytes that way (docs/performance.md, "The sample mixing study"): first by
     * the layers' outputs, then, once those were closed, by what the layers' input preprocessors made, which DL4J's
     * own feed-forward does not hand back. Here each layer (or graph vertex) runs as DL4J's feed-forward runs it, but
     * with every array it makes in {@link #PASS_WORKSPACE}, whose scope ends with the pass and whose memory the next
     * pass reuses. The consumer must not keep what it is given.
     *
     * @param features flattened images, one a row; left as they are
     */
    @SuppressWarnings("try") // the scope is entered for its side effect: what the pass makes goes with it
    public void forEachBatchNormInput(INDArray features, BiConsumer<String, INDArray> consumer) {
        LayerWorkspaceMgr pass = NativeMemory.passWorkspace(PASS_WORKSPACE);
        Map<String, INDArray> inputs = new LinkedHashMap<>();
        try (MemoryWorkspace scope = pass.notifyScopeEntered(ArrayType.ACTIVATIONS)) {
            if (network instanceof MultiLayerNetwork chain) {
                chainPass(chain, features, pass, inputs);
            } else {
                graphPass((ComputationGraph) network, features, pass, inputs);
            }
            // What the consumer makes is its own, outside the pass's workspace.
            try (MemoryWorkspace outside = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                inputs.forEach(consumer);
            }
        } finally {
            // As DL4J's feed-forward does: no layer keeps its input, which lived in the pass's workspace.
            if (network instanceof MultiLayerNetwork chain) {
                chain.clearLayersStates();
            } else {
                ((ComputationGraph) network).clearLayersStates();
            }
        }
    }

    /** A chain's layers up to its last BN: each layer's input preprocessor, then the layer. */
    private static void chainPass(MultiLayerNetwork chain, INDArray features, LayerWorkspaceMgr pass,
                                  Map<String, INDArray> inputs) {
        int last = -1;
        for (int i = 0; i < chain.getnLayers(); i++) {
            if (chain.getLayer(i) instanceof BatchNormalization) {
                last = i;
            }
        }
        INDArray x = features;
        for (int i = 0; i <= last; i++) {
            org.deeplearning4j.nn.api.Layer layer = chain.getLayer(i);
            InputPreProcessor pre = chain.getLayerWiseConfigurations().getInputPreProcess(i);
            if (pre != null) {
                x = pre.preProcess(x, (int) x.size(0), pass);
            }
            if (layer instanceof BatchNormalization bn) {
                inputs.put(name(bn), x);
            }
            x = layer.activate(x, true, pass);
        }
    }

    /**
     * A graph's vertices in topological order up to its last BN, each given its inputs as DL4J's feed-forward gives
     * them (a layer vertex applies its preprocessor as it takes them).
     */
    private void graphPass(ComputationGraph graph, INDArray features, LayerWorkspaceMgr pass,
                           Map<String, INDArray> inputs) {
        List<BatchNormalization> bns = batchNormLayers();
        String lastBn = name(bns.get(bns.size() - 1));
        Map<String, List<String>> edges = graph.getConfiguration().getVertexInputs();
        Map<String, INDArray> out = new LinkedHashMap<>();
        graph.setInputs(features);
        for (int index : graph.topologicalSortOrder()) {
            GraphVertex vertex = graph.getVertices()[index];
            String name = vertex.getVertexName();
            if (vertex.isInputVertex()) {
                out.put(name, features);
                continue;
            }
            INDArray[] in = edges.get(name).stream().map(out::get).toArray(INDArray[]::new);
            if (vertex.getLayer() instanceof BatchNormalization) {
                InputPreProcessor pre = ((LayerVertex) vertex).getLayerPreProcessor();
                inputs.put(name, pre == null ? in[0] : pre.preProcess(in[0], (int) in[0].size(0), pass));
            }
            for (int i = 0; i < in.length; i++) {
                vertex.setInput(i, in[i], pass);
            }
            out.put(name, vertex.doForward(true, pass));
            if (name.equals(lastBn)) {
                return;
            }
        }
    }

    /** A layer's name in the network's configuration. */
    static String name(org.deeplearning4j.nn.api.Layer layer) {
        return layer.conf().getLayer().getLayerName();
    }

    /**
     * Every parameter of the network as one flat array, in DL4J's order: the weights, the frozen BN constants and
     * last layer, and BN's running statistics (DL4J keeps them as parameters). A copy.
     */
    public float[] flatParams() {
        return network.params().toFloatVector();
    }

    /** Sets every parameter from {@link #flatParams()}'s form. */
    public void setFlatParams(float[] values) {
        assignFlat(network.params(), values, "parameters");
    }

    /** The updater's whole state as one flat array (the heavy-ball velocity); empty if it keeps none. A copy. */
    public float[] updaterState() {
        INDArray state = updaterStateView();
        return state == null ? new float[0] : state.toFloatVector();
    }

    /** Sets the updater's state from {@link #updaterState()}'s form. */
    public void setUpdaterState(float[] values) {
        INDArray state = updaterStateView();
        if (state == null) {
            if (values.length != 0) {
                throw new IllegalArgumentException("the network's updater keeps no state, got " + values.length
                        + " values");
            }
            return;
        }
        assignFlat(state, values, "updater state values");
    }

    /**
     * Frees the network's parameters, gradients and updater state now, rather than when a collection finds the
     * network; for a network that is done with (a finished trial's). The network is unusable after.
     */
    public void release() {
        INDArray state = updaterStateView();
        if (state != null) {
            state.close();
        }
        INDArray gradients = network instanceof MultiLayerNetwork chain ? chain.getGradientsViewArray()
                : ((ComputationGraph) network).getGradientsViewArray();
        if (gradients != null) {
            gradients.close();
        }
        network.params().close();
        if (inference != null) {
            inference.release();
        }
    }

    /** DL4J's count of SGD steps taken. */
    public int iterations() {
        return network instanceof MultiLayerNetwork chain ? chain.getIterationCount()
                : ((ComputationGraph) network).getConfiguration().getIterationCount();
    }

    /** Sets DL4J's count of SGD steps taken, as a trial continued from a snapshot had it. */
    public void setIterations(int iterations) {
        if (network instanceof MultiLayerNetwork chain) {
            chain.setIterationCount(iterations);
        } else {
            ((ComputationGraph) network).getConfiguration().setIterationCount(iterations);
        }
    }

    private INDArray updaterStateView() {
        return network instanceof MultiLayerNetwork chain ? chain.getUpdater().getStateViewArray()
                : ((ComputationGraph) network).getUpdater().getStateViewArray();
    }

    private static void assignFlat(INDArray target, float[] values, String what) {
        if (target.length() != values.length) {
            throw new IllegalArgumentException("the network has " + target.length() + " " + what + ", got "
                    + values.length);
        }
        target.assign(Nd4j.createFromArray(values).reshape(target.shape()));
    }

    /** Replaces the network's training listeners. */
    public void setListeners(TrainingListener... listeners) {
        network.setListeners(listeners);
    }

    /**
     * For a graph, the vertex whose activations feed the output layer (they reach listeners by name); for a chain,
     * {@code null}: listeners get its activations as a list ending with that input.
     */
    public String outputInput() {
        if (network instanceof ComputationGraph graph) {
            return graph.getConfiguration().getVertexInputs().get(outputLayer).get(0);
        }
        return null;
    }

    private org.deeplearning4j.nn.api.Layer layer(String name) {
        org.deeplearning4j.nn.api.Layer layer = network instanceof MultiLayerNetwork chain
                ? chain.getLayer(name) : ((ComputationGraph) network).getLayer(name);
        if (layer == null) {
            throw new IllegalArgumentException("no layer \"" + name + "\" in the network");
        }
        return layer;
    }
}
