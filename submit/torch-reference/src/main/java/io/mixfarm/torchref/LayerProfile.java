package io.mixfarm.torchref;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import io.mixfarm.core.bench.Minibatches;
import io.mixfarm.core.bench.RateMeter;
import io.mixfarm.core.bench.Samples;
import io.mixfarm.core.bench.TrialBench;
import io.mixfarm.core.data.Dataset;
import io.mixfarm.core.data.SyntheticCifar;
import io.mixfarm.core.model.InputShape;
import io.mixfarm.core.model.ModelSpec;
import io.mixfarm.core.model.Networks;
import io.mixfarm.core.model.ScaleInvariantNet;
import io.mixfarm.core.model.fused.BatchNormRelu;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.VertexIndices;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;

/**
 * Where a PreResNet32 training step spends its time, per layer type, in DL4J against libtorch: every vertex of the
 * DL4J graph is run on its own (forward in training mode, then backward from a random output gradient) on the
 * activations of a real batch, and the same op on the same shapes in libtorch, with autograd; medians over
 * {@code --repeats} per vertex, summed per type over the network. Isolated calls allocate fresh buffers (DL4J: no
 * workspaces) and start with cold caches, so their sum exceeds the real step's forward and backward: the table is for
 * the shares and the ratios per type. Each engine's real step is timed too: its gradient (forward and backward), its
 * update, and the whole step. The DL4J graph is the one trials train ({@code Networks.kernels}: the fused layers,
 * channels-last); libtorch gets each vertex's inputs moved to channels-first, outside the timing.
 */
@Command(name = "layer-profile", mixinStandardHelpOptions = true,
        description = "Time PreResNet32's layers one by one in DL4J and in libtorch, forward and backward, summed per "
                + "layer type; print name=value lines and a table.")
public final class LayerProfile implements Callable<Integer> {

    @Option(names = "--width", defaultValue = "16", description = "Network width (default: ${DEFAULT-VALUE}).")
    private int width;

    @Option(names = "--batch-size", defaultValue = "128", description = "Minibatch size (default: ${DEFAULT-VALUE}).")
    private int batchSize;

    @Option(names = "--repeats", defaultValue = "5",
            description = "Timed calls per vertex and direction, after one untimed (default: ${DEFAULT-VALUE}).")
    private int repeats;

    @Option(names = "--steps", defaultValue = "5",
            description = "Timed whole SGD steps per engine, after two untimed (default: ${DEFAULT-VALUE}).")
    private int steps;

    private final Printout print;
    private final LayerWorkspaceMgr workspaces = LayerWorkspaceMgr.noWorkspaces();

    LayerProfile(PrintStream out) {
        this.print = new Printout(out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new LayerProfile(System.out)).execute(args));
    }

    /** One layer type's time over the network, milliseconds per step. */
    private static final class Totals {
        int count;
        double dl4jForward;
        double dl4jBackward;
        double torchForward;
        double torchBackward;
    }

    @Override
    public Integer call() {
        int threads = TorchBench.threads(true);
        ModelSpec model = ModelSpec.preResNet32(width);
        Dataset data = SyntheticCifar.dataset(batchSize * (steps + 2), 16, 1);
        InputShape shape = TrialBench.shape(data.train());
        List<DataSet> batches = Minibatches.of(data.train(), batchSize, steps + 2, 1);
        DataSet batch = batches.get(0);
        ScaleInvariantNet net = Networks.build(model, shape, TrialBench.SCHEDULE, 1);
        net.startEpoch(1);
        ComputationGraph graph = (ComputationGraph) net.network();
        print.loadAtStart();
        print.figure("threads", threads);
        print.figure("width", width);
        print.figure("batch_size", batchSize);

        Map<String, Totals> byType = new LinkedHashMap<>();
        Map<String, INDArray> activations = graph.feedForward(batch.getFeatures(), true);
        int[] chw = {shape.channels(), shape.height(), shape.width()};
        NetWeights weights = NetWeights.of(net);
        try (TorchNet torch = TorchNet.of(model, weights);
             NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            for (int index : graph.topologicalSortOrder()) {
                GraphVertex vertex = graph.getVertices()[index];
                if (vertex.isInputVertex()) {
                    continue;
                }
                String type = type(vertex, graph);
                Totals totals = byType.computeIfAbsent(type, t -> new Totals());
                totals.count++;
                List<INDArray> inputs = new ArrayList<>();
                for (VertexIndices in : vertex.getInputVertices()) {
                    inputs.add(activations.get(graph.getVertices()[in.getVertexIndex()].getVertexName()));
                }
                INDArray output = activations.get(vertex.getVertexName());
                double[] dl4j = timeDl4j(vertex, inputs, output, batch.getLabels());
                double[] libtorch = timeTorch(vertex, inputs, output, batch.getLabels(), weights, manager, chw,
                        model.bnEps());
                totals.dl4jForward += dl4j[0];
                totals.dl4jBackward += dl4j[1];
                totals.torchForward += libtorch[0];
                totals.torchBackward += libtorch[1];
            }
            List<TorchBatch> torchBatches = new ArrayList<>();
            for (DataSet b : batches) {
                torchBatches.add(TorchBatch.of(b, torch, chw));
            }
            double dl4jStep = medianMs(steps, Workloads.training(net, batches));
            double dl4jGradient = medianMs(steps, step -> {
                DataSet b = batches.get(step % batches.size());
                graph.setInput(0, b.getFeatures());
                graph.setLabel(0, b.getLabels());
                graph.computeGradientAndScore();
                return b.numExamples();
            });
            double torchStep = medianMs(steps, Workloads.training(torch, torchBatches));
            double torchUpdate = medianMs(steps, Workloads.training(torch, torchBatches), torch::lastUpdateNanos);
            long[] updateNanos = new long[1];
            double dl4jUpdate = medianMs(steps, step -> {
                DataSet b = batches.get(step % batches.size());
                graph.setInput(0, b.getFeatures());
                graph.setLabel(0, b.getLabels());
                graph.computeGradientAndScore();
                // What DL4J's SGD optimizer does with a gradient: the updater (learning rate, weight decay), then
                // params -= update.
                long start = System.nanoTime();
                Gradient gradient = graph.gradient();
                graph.getUpdater().update(gradient, 0, 0, b.numExamples(), workspaces);
                graph.params().subi(gradient.gradient());
                updateNanos[0] = System.nanoTime() - start;
                return b.numExamples();
            }, () -> updateNanos[0]);
            print(byType, new double[] {dl4jGradient, dl4jUpdate, dl4jStep},
                    new double[] {torchStep - torchUpdate, torchUpdate, torchStep});
        }
        print.loadAtEnd();
        return 0;
    }

    /** Layer types as the profile reports them. */
    private static String type(GraphVertex vertex, ComputationGraph graph) {
        if (!vertex.hasLayer()) {
            if (graph.getConfiguration().getVertices().get(vertex.getVertexName()) instanceof ElementWiseVertex) {
                return "residual add";
            }
            return "other vertex";
        }
        Layer conf = vertex.getLayer().conf().getLayer();
        if (conf instanceof ConvolutionLayer conv) {
            String name = conv.getKernelSize()[0] + "x" + conv.getKernelSize()[1] + " conv stride "
                    + conv.getStride()[0];
            if (conv.getNIn() == 3) {
                return name + " (stem, 3 channels in)";
            }
            return conv.getKernelSize()[0] == 1 ? name + " (shortcut)" : name;
        }
        if (conf instanceof BatchNormRelu fused && fused.isRelu()) {
            return "BN + ReLU (training, fused)";
        }
        if (conf instanceof BatchNormalization) {
            return "BN (training)";
        }
        if (conf instanceof ActivationLayer) {
            return "ReLU";
        }
        if (conf instanceof GlobalPoolingLayer) {
            return "global average pool";
        }
        if (conf instanceof OutputLayer) {
            return "dense head + softmax cross-entropy";
        }
        return conf.getClass().getSimpleName();
    }

    /** DL4J: median ms of the vertex's forward and of its backward. */
    private double[] timeDl4j(GraphVertex vertex, List<INDArray> inputs, INDArray output, INDArray labels) {
        List<Double> forward = new ArrayList<>();
        List<Double> backward = new ArrayList<>();
        for (int r = 0; r <= repeats; r++) {
            for (int i = 0; i < inputs.size(); i++) {
                vertex.setInput(i, inputs.get(i), workspaces);
            }
            long t0 = System.nanoTime();
            vertex.doForward(true, workspaces);
            long t1 = System.nanoTime();
            if (vertex.hasLayer() && vertex.getLayer() instanceof IOutputLayer outputLayer) {
                outputLayer.setLabels(labels);
                vertex.setEpsilon(null);
            } else {
                vertex.setEpsilon(Nd4j.randn(DataType.FLOAT, output.shape()));
            }
            long t2 = System.nanoTime();
            vertex.doBackward(false, workspaces);
            long t3 = System.nanoTime();
            if (r > 0) {
                forward.add((t1 - t0) / 1e6);
                backward.add((t3 - t2) / 1e6);
            }
        }
        return new double[] {new Samples(forward).median(), new Samples(backward).median()};
    }

    /** libtorch: the same op on tensors of the same shapes, with autograd; median ms forward and backward. */
    private double[] timeTorch(GraphVertex vertex, List<INDArray> inputs, INDArray output, INDArray labels,
                               NetWeights weights, NDManager manager, int[] chw, double bnEps) {
        List<Double> forward = new ArrayList<>();
        List<Double> backward = new ArrayList<>();
        Layer conf = vertex.hasLayer() ? vertex.getLayer().conf().getLayer() : null;
        for (int r = 0; r <= repeats; r++) {
            try (NDManager step = manager.newSubManager()) {
                List<NDArray> xs = new ArrayList<>();
                for (INDArray input : inputs) {
                    // libtorch's layout is channels-first; the fused network's activations are channels-last.
                    INDArray nchw = input.rank() == 4 && channelsLast(conf) ? input.permute(0, 3, 1, 2).dup('c')
                            : input;
                    long[] dims = nchw.rank() == 2 && conf instanceof ConvolutionLayer
                            ? new long[] {nchw.size(0), chw[0], chw[1], chw[2]} : nchw.shape();
                    NDArray x = step.create(HostTensor.rowMajor(nchw), new Shape(dims));
                    // The stem's input is the data: no gradient, as in a training step.
                    x.setRequiresGradient(!(conf instanceof ConvolutionLayer c && c.getNIn() == 3));
                    xs.add(x);
                }
                NDArray w = null;
                if (conf instanceof ConvolutionLayer || conf instanceof OutputLayer) {
                    HostTensor tensor = weights.layer(vertex.getVertexName());
                    w = step.create(tensor.values(), new Shape(tensor.shape()));
                    w.setRequiresGradient(!(conf instanceof OutputLayer));
                }
                long channels = xs.get(0).getShape().get(1);
                NDArray[] bn = conf instanceof BatchNormalization
                        ? new NDArray[] {step.zeros(new Shape(channels)), step.ones(new Shape(channels)),
                        step.ones(new Shape(channels)), step.zeros(new Shape(channels))} : null;
                NDArray oneHot = step.create(HostTensor.rowMajor(labels), new Shape(labels.shape()));
                // Autograd records while a gradient collector is open, as in a training step.
                GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector();
                try {
                    long t0 = System.nanoTime();
                    NDArray y = torchOp(conf, xs, w, bn, oneHot, bnEps);
                    long t1 = System.nanoTime();
                    NDArray gradient = conf instanceof OutputLayer ? step.ones(new Shape())
                            : step.randomNormal(y.getShape());
                    long t2 = System.nanoTime();
                    JniUtils.backward((PtNDArray) y, (PtNDArray) gradient, false, false);
                    long t3 = System.nanoTime();
                    if (r > 0) {
                        forward.add((t1 - t0) / 1e6);
                        backward.add((t3 - t2) / 1e6);
                    }
                } finally {
                    collector.close();
                }
            }
        }
        return new double[] {new Samples(forward).median(), new Samples(backward).median()};
    }

    /** Whether the vertex reads channels-last activations (the fused network's layers, but its ReLU and add). */
    private static boolean channelsLast(Layer conf) {
        if (conf instanceof ConvolutionLayer conv) {
            return conv.getCnn2dDataFormat() == CNN2DFormat.NHWC;
        }
        if (conf instanceof BatchNormalization bn) {
            return bn.getCnn2DFormat() == CNN2DFormat.NHWC;
        }
        if (conf instanceof GlobalPoolingLayer pool) {
            return pool.getPoolingDimensions() != null && pool.getPoolingDimensions()[0] == 1;
        }
        return false; // elementwise: ReLU and the residual add compute the same in either layout
    }

    private static NDArray torchOp(Layer conf, List<NDArray> xs, NDArray w, NDArray[] bn, NDArray oneHot,
                                   double bnEps) {
        NDArray x = xs.get(0);
        if (conf == null) {
            return x.add(xs.get(1));
        }
        if (conf instanceof ConvolutionLayer conv) {
            int s = conv.getStride()[0];
            int p = conv.getPadding()[0];
            return Conv2d.conv2d(x, w, null, new Shape(s, s), new Shape(p, p),
                    new Shape(1, 1), 1).singletonOrThrow();
        }
        if (conf instanceof BatchNormalization) {
            NDArray normalised = BatchNorm.batchNorm(x, bn[0], bn[1], bn[2], bn[3], TorchNet.BN_AXIS,
                    TorchNet.BN_MOMENTUM, (float) bnEps, true)
                    .singletonOrThrow();
            return conf instanceof BatchNormRelu fused && fused.isRelu() ? Activation.relu(normalised) : normalised;
        }
        if (conf instanceof ActivationLayer) {
            return Activation.relu(x);
        }
        if (conf instanceof GlobalPoolingLayer) {
            NDArray pooled = Pool.globalAvgPool2d(x);
            return pooled.reshape(pooled.getShape().get(0), -1);
        }
        if (conf instanceof OutputLayer) {
            NDArray logits = Linear.linear(x, w, null).singletonOrThrow();
            return logits.logSoftmax(1).mul(oneHot).sum(new int[] {1}).mean().neg();
        }
        throw new IllegalArgumentException("no libtorch twin of " + conf.getClass().getSimpleName());
    }

    /** Median ms of {@code count} calls after two untimed ones. */
    private static double medianMs(int count, RateMeter.Workload call) {
        return medianMs(count, call, null);
    }

    /**
     * As {@link #medianMs(int, RateMeter.Workload)}, but of the nanoseconds {@code measured} reports after each call.
     */
    private static double medianMs(int count, RateMeter.Workload call, LongSupplier measured) {
        call.run(0);
        call.run(1);
        List<Double> ms = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            long t0 = System.nanoTime();
            call.run(s);
            long elapsed = measured == null ? System.nanoTime() - t0 : measured.getAsLong();
            ms.add(elapsed / 1e6);
        }
        return new Samples(ms).median();
    }

    /**
     * The table; {@code dl4j} and {@code torch} are each engine's gradient (forward and backward in a real step),
     * update and whole step, ms.
     */
    private void print(Map<String, Totals> byType, double[] dl4j, double[] torch) {
        double dl4jLayers = 0;
        double torchLayers = 0;
        print.line("| layer type | count | DL4J forward ms | DL4J backward ms | libtorch forward ms | "
                + "libtorch backward ms | DL4J / libtorch |");
        print.line("|---|---|---|---|---|---|---|");
        List<Map.Entry<String, Totals>> types = new ArrayList<>(byType.entrySet());
        types.sort((a, b) -> Double.compare(b.getValue().dl4jForward + b.getValue().dl4jBackward,
                a.getValue().dl4jForward + a.getValue().dl4jBackward));
        for (Map.Entry<String, Totals> entry : types) {
            Totals t = entry.getValue();
            double dl4jType = t.dl4jForward + t.dl4jBackward;
            double torchType = t.torchForward + t.torchBackward;
            dl4jLayers += dl4jType;
            torchLayers += torchType;
            print.line(String.format(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f | %.1f | %.2f |", entry.getKey(),
                    t.count, t.dl4jForward, t.dl4jBackward, t.torchForward, t.torchBackward, dl4jType / torchType));
        }
        row("all layers, isolated (sum)", dl4jLayers, torchLayers);
        row("forward + backward in a real step", dl4j[0], torch[0]);
        row("update (SGD + weight decay)", dl4j[1], torch[1]);
        row("whole step", dl4j[2], torch[2]);
        print.figure("dl4j_step_ms", dl4j[2], 1);
        print.figure("torch_step_ms", torch[2], 1);
    }

    private void row(String what, double dl4j, double torch) {
        print.line(String.format(Locale.ROOT, "| %s | | %.1f | | %.1f | | %.2f |", what, dl4j, torch, dl4j / torch));
    }
}
