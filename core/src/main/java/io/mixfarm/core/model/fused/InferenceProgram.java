package io.mixfarm.core.model.fused;

import io.mixfarm.core.model.NativeMemory;
import org.bytedeco.dnnl.dnnl_stream;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.impl.LayerVertex;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The inference form of a graph of fused channels-last layers: the same function as DL4J's inference pass through
 * the graph (BN with its running statistics), computed with fewer passes over memory. Two rewrites do it
 * (docs/performance.md, "PreResNet32's inference form"):
 * <ul>
 *   <li>a convolution read only by a BN (and its ReLU) becomes one convolution with the BN folded in: weights
 *       scaled per output channel by {@code 1/sqrt(var + eps)}, a bias {@code -mean/sqrt(var + eps)}, the ReLU as
 *       oneDNN's post-op;</li>
 *   <li>a convolution read only by a residual addition adds itself into the addition's other input, when nothing
 *       reads that input afterwards (oneDNN's sum post-op): the addition costs no pass of its own.</li>
 * </ul>
 * Every other fused BN, ReLU and addition runs on oneDNN or ND4J into the program's own arrays, and any other vertex
 * (global pooling, the output layer) is DL4J's own, given the program's arrays as inputs.
 *
 * <p>The weights it computes with are derived from the network's parameters, so it compares all of them (one
 * memcmp of the flat parameter array) before every pass and derives them again when a bit changed: a training
 * step, a restored snapshot or recomputed BN statistics all reach the next prediction.
 *
 * <p>Its activations live in arrays it keeps per shape and hands from value to value once a value's last reader
 * has run, so a pass over a chunk of images allocates nothing after the first. Like the network, a program is
 * used by one thread.
 */
public final class InferenceProgram {

    /** The workspace of the DL4J vertices' arrays during a pass. */
    static final String WORKSPACE = "MIXFARM_INFERENCE_PASS";

    private final ComputationGraph graph;
    private final String inputName;
    private final String outputName;
    private final List<Step> steps;
    /** Per step, the values it is the last to read. */
    private final List<List<String>> lastReads;
    private final Map<List<Long>, ArrayDeque<INDArray>> free = new HashMap<>();
    private final dnnl_stream stream = Dnnl.stream();
    private final LayerWorkspaceMgr workspaceMgr = NativeMemory.passWorkspace(WORKSPACE);
    /** The parameters the derived weights were computed from, and the count of their changes. */
    private INDArray paramsSeen;
    private long paramsVersion;
    /** The memory of every activation array made so far. */
    private final List<INDArray> storages = new ArrayList<>();

    private InferenceProgram(ComputationGraph graph, String inputName, String outputName, List<Step> steps) {
        this.graph = graph;
        this.inputName = inputName;
        this.outputName = outputName;
        this.steps = List.copyOf(steps);
        Map<String, Integer> lastReader = new HashMap<>();
        for (int i = 0; i < steps.size(); i++) {
            for (String read : steps.get(i).reads()) {
                lastReader.put(read, i);
            }
        }
        lastReads = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            lastReads.add(new ArrayList<>());
        }
        lastReader.forEach((value, step) -> lastReads.get(step).add(value));
    }

    /**
     * The inference form of {@code graph}, or empty where it has none: a graph with more than one input or output,
     * or whose convolutions and BNs do not compute with oneDNN (ND4J's CUDA backend, float64, DL4J's stock layers).
     */
    public static Optional<InferenceProgram> compile(ComputationGraph graph) {
        if (graph.getNumInputArrays() != 1 || graph.getNumOutputArrays() != 1
                || graph.params().dataType() != DataType.FLOAT || !Dnnl.usable()) {
            return Optional.empty();
        }
        Map<String, List<String>> inputs = graph.getConfiguration().getVertexInputs();
        int[] order = graph.topologicalSortOrder();
        GraphVertex[] vertices = graph.getVertices();
        Map<String, Integer> position = new HashMap<>();
        Map<String, List<String>> readers = new HashMap<>();
        for (int p = 0; p < order.length; p++) {
            String name = vertices[order[p]].getVertexName();
            position.put(name, p);
            for (String in : inputs.getOrDefault(name, List.of())) {
                readers.computeIfAbsent(in, k -> new ArrayList<>()).add(name);
            }
        }
        String inputName = graph.getConfiguration().getNetworkInputs().get(0);
        String outputName = graph.getConfiguration().getNetworkOutputs().get(0);
        Set<String> absorbed = new HashSet<>();
        // Values in the program's own arrays (not the input's, not in a DL4J vertex's workspace): a sum may overwrite.
        Set<String> owned = new HashSet<>();
        List<Step> steps = new ArrayList<>();
        boolean anyFused = false;
        for (int p = 0; p < order.length; p++) {
            GraphVertex vertex = vertices[order[p]];
            String name = vertex.getVertexName();
            if (vertex.isInputVertex() || absorbed.contains(name)) {
                continue;
            }
            List<String> in = inputs.get(name);
            Layer layer = vertex.getLayer();
            InputPreProcessor pre = vertex instanceof LayerVertex lv ? lv.getLayerPreProcessor() : null;
            if (layer instanceof ChannelsLastConvolutionLayer conv) {
                if (!conv.isFused() || (pre != null && !(pre instanceof FlatToNhwc))) {
                    return Optional.empty();
                }
                anyFused = true;
                List<String> read = readers.getOrDefault(name, List.of());
                String only = read.size() == 1 ? read.get(0) : null;
                BatchNormReluLayer bn = only == null ? null : foldable(graph, only);
                if (bn != null) {
                    absorbed.add(only);
                    steps.add(new ConvolutionStep(conv, pre, in.get(0), bn, null, only));
                    owned.add(only);
                    continue;
                }
                String other = only == null ? null : summable(graph, inputs, readers, position, name, only, p);
                if (other != null && !owned.contains(other)) {
                    other = null;
                }
                if (other != null) {
                    absorbed.add(only);
                    steps.add(new ConvolutionStep(conv, pre, in.get(0), null, other, only));
                    owned.add(only);
                    continue;
                }
                steps.add(new ConvolutionStep(conv, pre, in.get(0), null, null, name));
            } else if (layer instanceof BatchNormReluLayer bn && pre == null) {
                if (!bn.isFused()) {
                    return Optional.empty();
                }
                steps.add(new BatchNormStep(bn, in.get(0), name));
            } else if (layer != null && pre == null && isPlainRelu(layer)) {
                steps.add(new ReluStep(in.get(0), name));
            } else if (vertex instanceof ResidualAdd.Vertex && in.size() == 2) {
                steps.add(new AddStep(in.get(0), in.get(1), name));
            } else {
                steps.add(new Dl4jStep(vertex, in, name));
                continue;
            }
            owned.add(steps.get(steps.size() - 1).output());
        }
        return anyFused ? Optional.of(new InferenceProgram(graph, inputName, outputName, steps)) : Optional.empty();
    }

    /** The fused BN (with or without its ReLU) of vertex {@code name}, if a convolution's output may fold into it. */
    private static BatchNormReluLayer foldable(ComputationGraph graph, String name) {
        GraphVertex vertex = graph.getVertex(name);
        return vertex instanceof LayerVertex lv && lv.getLayerPreProcessor() == null
                && lv.getLayer() instanceof BatchNormReluLayer bn && bn.isFused() ? bn : null;
    }

    /**
     * The other input of the residual addition {@code add}, if convolution {@code conv} (at topological position
     * {@code p}, read only by {@code add}) may add itself into it: every other reader of that input runs before the
     * convolution, so nothing reads it after the sum overwrites it.
     */
    private static String summable(ComputationGraph graph, Map<String, List<String>> inputs,
                                   Map<String, List<String>> readers, Map<String, Integer> position, String conv,
                                   String add, int p) {
        List<String> in = inputs.get(add);
        if (!(graph.getVertex(add) instanceof ResidualAdd.Vertex) || in.size() != 2 || in.get(0).equals(in.get(1))) {
            return null;
        }
        String other = in.get(0).equals(conv) ? in.get(1) : in.get(0);
        if (graph.getVertex(other).isInputVertex() || position.get(other) > p) {
            return null;
        }
        for (String reader : readers.get(other)) {
            if (!reader.equals(add) && position.get(reader) > p) {
                return null;
            }
        }
        return other;
    }

    private static boolean isPlainRelu(Layer layer) {
        return layer.conf().getLayer() instanceof ActivationLayer a && new ActivationReLU().equals(a.getActivationFn());
    }

    /**
     * The network's inference-mode output for {@code features} (flattened images, a row each): a new array outside
     * every workspace, as DL4J's {@code output} returns it.
     */
    @SuppressWarnings("try") // the scope is entered for its side effect: what the pass makes goes with it
    public INDArray output(INDArray features) {
        refreshParameters();
        Run run = new Run();
        run.values.put(inputName, features);
        try (MemoryWorkspace scope = workspaceMgr.notifyScopeEntered(ArrayType.ACTIVATIONS)) {
            for (int i = 0; i < steps.size(); i++) {
                steps.get(i).run(this, run);
                for (String value : lastReads.get(i)) {
                    run.release(value);
                }
            }
            INDArray result;
            try (MemoryWorkspace outside = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                result = run.get(outputName).dup();
            }
            // The output, and any value nothing read, are free for the next pass.
            List.copyOf(run.values.keySet()).forEach(run::release);
            return result;
        } finally {
            // As DL4J's own pass does: no layer keeps an input, which lived in this pass's arrays.
            graph.clearLayersStates();
        }
    }

    /** Counts a new version of the parameters if any bit changed since the last pass. */
    private void refreshParameters() {
        INDArray params = graph.params();
        if (paramsSeen != null && Arrays.equals(paramsSeen.shape(), params.shape())
                && NativeMemory.isDenseRowMajor(params) && Dnnl.sameBits(paramsSeen, params)) {
            return;
        }
        paramsSeen = Dnnl.detached(paramsSeen, params.shape());
        paramsSeen.assign(params);
        paramsVersion++;
    }

    /** How many convolutions compute a BN (and its ReLU) folded into them. */
    public long foldedBatchNorms() {
        return steps.stream().filter(s -> s instanceof ConvolutionStep c && c.folded != null).count();
    }

    /** How many residual additions are a convolution's sum post-op. */
    public long fusedAdditions() {
        return steps.stream().filter(s -> s instanceof ConvolutionStep c && c.sumInto != null).count();
    }

    /** How many vertices run as DL4J's own. */
    public long dl4jVertices() {
        return steps.stream().filter(s -> s instanceof Dl4jStep).count();
    }

    /** How many activation arrays the program has made so far (it reuses them from pass to pass). */
    public int buffersAllocated() {
        return storages.size();
    }

    /** A dense array of {@code shape} for a value: a free one of that shape, or a new one. */
    private INDArray acquire(long[] shape) {
        ArrayDeque<INDArray> ofShape = free.get(key(shape));
        if (ofShape != null && !ofShape.isEmpty()) {
            return ofShape.pop();
        }
        INDArray storage = Dnnl.storage(shape);
        storages.add(storage);
        return Dnnl.aligned(storage, 'c', shape);
    }

    /**
     * Frees the program's activation arrays now, rather than when a collection finds them (a PreResNet32 trial's are
     * tens of megabytes, and a farm runs trial after trial); for a network that is done with. The program is
     * unusable after.
     */
    public void release() {
        storages.forEach(INDArray::close);
        storages.clear();
        free.clear();
    }

    private void giveBack(INDArray array) {
        free.computeIfAbsent(key(array.shape()), k -> new ArrayDeque<>()).push(array);
    }

    private static List<Long> key(long[] shape) {
        return Arrays.stream(shape).boxed().toList();
    }

    /** The values of one pass, by vertex name, and which of them are the program's own arrays. */
    private final class Run {
        final Map<String, INDArray> values = new HashMap<>();
        final Set<String> owned = new HashSet<>();

        INDArray get(String name) {
            INDArray value = values.get(name);
            if (value == null) {
                throw new IllegalStateException("no value of vertex " + name + " yet");
            }
            return value;
        }

        /** {@code value} itself where oneDNN may read it in place, otherwise a dense copy in the pass workspace. */
        INDArray dense(String name) {
            return Dnnl.dense(workspaceMgr, ArrayType.ACTIVATIONS, get(name));
        }

        /** A new value {@code name} of {@code shape} in one of the program's arrays. */
        INDArray create(String name, long[] shape) {
            INDArray array = acquire(shape);
            putOwned(name, array);
            return array;
        }

        void putOwned(String name, INDArray array) {
            values.put(name, array);
            owned.add(name);
        }

        /** Hands {@code from}'s array to {@code to}: the value {@code from} is gone. */
        INDArray transfer(String from, String to) {
            if (!owned.remove(from)) {
                throw new IllegalStateException("vertex " + from + " is not the program's to overwrite");
            }
            INDArray array = values.remove(from);
            putOwned(to, array);
            return array;
        }

        void release(String name) {
            INDArray array = values.remove(name);
            if (array != null && owned.remove(name)) {
                giveBack(array);
            }
        }
    }

    /** One vertex (or a convolution with what it absorbed) of the program. */
    private sealed interface Step permits ConvolutionStep, BatchNormStep, ReluStep, AddStep, Dl4jStep {
        /** The values it reads. */
        List<String> reads();

        /** The value it writes. */
        String output();

        void run(InferenceProgram program, Run run);
    }

    /**
     * A convolution, possibly with a BN (and ReLU) folded in ({@code folded}) or added into the value
     * {@code sumInto}; its output is the value {@code output}.
     */
    private static final class ConvolutionStep implements Step {
        private final ChannelsLastConvolutionLayer layer;
        private final InputPreProcessor pre;
        private final String input;
        private final BatchNormReluLayer folded;
        private final String sumInto;
        private final String output;
        private final WeightedKernels.Epilogue epilogue;
        private final List<WeightedKernels> kernels = new ArrayList<>();
        private INDArray weights;
        private INDArray bias;
        private long weightsVersion = -1;

        ConvolutionStep(ChannelsLastConvolutionLayer layer, InputPreProcessor pre, String input,
                        BatchNormReluLayer folded, String sumInto, String output) {
            this.layer = layer;
            this.pre = pre;
            this.input = input;
            this.folded = folded;
            this.sumInto = sumInto;
            this.output = output;
            epilogue = folded != null ? (folded.relu() ? WeightedKernels.Epilogue.BIAS_RELU
                    : WeightedKernels.Epilogue.BIAS)
                    : sumInto != null ? WeightedKernels.Epilogue.SUM : WeightedKernels.Epilogue.NONE;
        }

        @Override
        public List<String> reads() {
            return sumInto == null ? List.of(input) : List.of(input, sumInto);
        }

        @Override
        public String output() {
            return output;
        }

        @Override
        public void run(InferenceProgram program, Run run) {
            INDArray x = run.get(input);
            if (pre != null) {
                x = pre.preProcess(x, (int) x.size(0), program.workspaceMgr);
            }
            x = Dnnl.dense(program.workspaceMgr, ArrayType.ACTIVATIONS, x);
            WeightedKernels k = kernels(x);
            if (weightsVersion != program.paramsVersion) {
                derive();
                weightsVersion = program.paramsVersion;
            }
            INDArray out;
            if (sumInto != null) {
                out = run.get(sumInto);
                if (!Arrays.equals(out.shape(), k.outputShape())) {
                    throw new IllegalStateException("the residual addition " + output + " adds " + Arrays.toString(
                            k.outputShape()) + " to " + Arrays.toString(out.shape()));
                }
                out = run.transfer(sumInto, output);
            } else {
                out = run.create(output, k.outputShape());
            }
            k.forward(program.stream, x, weights, bias, weightsVersion, out);
        }

        private WeightedKernels kernels(INDArray x) {
            for (WeightedKernels k : kernels) {
                if (k.fits(x.shape())) {
                    return k;
                }
            }
            WeightedKernels k = layer.kernels(x, WeightedKernels.Purpose.INFERENCE, epilogue);
            kernels.add(k);
            return k;
        }

        /**
         * The weights (and bias) the kernels compute with, from the layer's parameters: {@code relu((W * x - mean) /
         * sqrt(var + eps))} is {@code relu((W / sqrt(var + eps)) * x - mean / sqrt(var + eps))} per output channel.
         */
        private void derive() {
            INDArray w = layer.getParam(ConvolutionParamInitializer.WEIGHT_KEY);
            weights = Dnnl.detached(weights, w.shape());
            weights.assign(w);
            if (folded == null) {
                return;
            }
            float[] mean = folded.getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN).toFloatVector();
            float[] var = folded.getParam(BatchNormalizationParamInitializer.GLOBAL_VAR).toFloatVector();
            float[] scale = new float[mean.length];
            float[] shift = new float[mean.length];
            for (int c = 0; c < mean.length; c++) {
                double inverseStd = 1 / Math.sqrt(var[c] + folded.eps());
                scale[c] = (float) inverseStd;
                shift[c] = (float) (-mean[c] * inverseStd);
            }
            weights.reshape('c', mean.length, w.length() / mean.length)
                    .muliColumnVector(Nd4j.createFromArray(scale).reshape(mean.length, 1));
            bias = Dnnl.detached(bias, mean.length);
            bias.assign(Nd4j.createFromArray(shift));
        }
    }

    /** A fused BN (and ReLU) with the running statistics, into the program's own array. */
    private record BatchNormStep(BatchNormReluLayer layer, String input, String output) implements Step {
        @Override
        public List<String> reads() {
            return List.of(input);
        }

        @Override
        public void run(InferenceProgram program, Run run) {
            INDArray x = run.dense(input);
            layer.infer(x, run.create(output, x.shape()));
        }
    }

    /** DL4J's ReLU activation layer, into the program's own array. */
    private record ReluStep(String input, String output) implements Step {
        @Override
        public List<String> reads() {
            return List.of(input);
        }

        @Override
        public void run(InferenceProgram program, Run run) {
            INDArray x = run.get(input);
            Nd4j.exec(new RectifiedLinear(x, run.create(output, x.shape()), 0.0));
        }
    }

    /** A residual addition no convolution absorbed. */
    private record AddStep(String a, String b, String output) implements Step {
        @Override
        public List<String> reads() {
            return List.of(a, b);
        }

        @Override
        public void run(InferenceProgram program, Run run) {
            INDArray x = run.get(a);
            INDArray y = run.get(b);
            if (!Arrays.equals(x.shape(), y.shape())) {
                throw new IllegalStateException("the residual addition " + output + " adds "
                        + Arrays.toString(x.shape()) + " to " + Arrays.toString(y.shape()));
            }
            Nd4j.exec(new AddOp(x, y, run.create(output, x.shape())));
        }
    }

    /** Any other vertex, run as DL4J's inference pass runs it; what it makes lives in the pass's workspace. */
    private record Dl4jStep(GraphVertex vertex, List<String> inputs, String output) implements Step {
        @Override
        public List<String> reads() {
            return inputs;
        }

        @Override
        public void run(InferenceProgram program, Run run) {
            for (int i = 0; i < inputs.size(); i++) {
                vertex.setInput(i, run.get(inputs.get(i)), program.workspaceMgr);
            }
            INDArray out = vertex.doForward(false, program.workspaceMgr);
            // A vertex may hand back its input's memory (an identity); the program's arrays are reused, so copy it.
            for (String input : inputs) {
                if (run.owned.contains(input) && overlap(out, run.get(input))) {
                    out = program.workspaceMgr.dup(ArrayType.ACTIVATIONS, out);
                    break;
                }
            }
            run.values.put(output, out);
        }

        private static boolean overlap(INDArray a, INDArray b) {
            long aStart = a.data().address();
            long bStart = b.data().address();
            return aStart < bStart + b.data().length() * b.data().getElementSize()
                    && bStart < aStart + a.data().length() * a.data().getElementSize();
        }
    }
}
