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
import io.mixfarm.core.model.ModelSpec;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A mixfarm network in libtorch, op by op as PyTorch's eager mode runs it, its layers named as mixfarm names them:
 * bias-free convolutions, BN with fixed gamma = 1 and beta = 0 (DJL's batch norm needs the tensors; libtorch computes
 * no gradient for them), softmax cross-entropy averaged over the batch, and plain SGD with weight decay
 * {@code w <- w - lr (grad + wd w)} on every weight but the fixed last layer's (DJL's native sgdUpdate, momentum 0).
 * Subclasses write the forward pass. A model owns the tensors it is fed ({@link #images}, {@link #labels}).
 */
public abstract class TorchNet implements AutoCloseable {

    /**
     * DJL's convention, DL4J's too: DJL hands {@code 1 - momentum} to {@code torch::batch_norm}, so 0.9 here is
     * PyTorch's momentum 0.1 and DL4J's decay 0.9 (running = 0.9 running + 0.1 batch).
     */
    static final float BN_MOMENTUM = 0.9f;
    /** DJL's direct path: the tensor goes to {@code torch::batch_norm} as it is, channels on axis 1. */
    static final int BN_AXIS = -1;
    private static final Shape ONES = new Shape(1, 1);
    private static final Shape POOL = new Shape(2, 2);

    private final NDManager manager;
    private final float bnEps;
    private final String outputLayer;
    /** Every weight by layer name; the trainable ones require a gradient. */
    private final Map<String, NDArray> weights = new LinkedHashMap<>();
    private final Map<String, BnState> batchNorms = new HashMap<>();
    /** How long the last step's SGD update took, for the profile. */
    private long lastUpdateNanos;

    /** A BN layer's running statistics and its fixed affine map. */
    private record BnState(NDArray runningMean, NDArray runningVar, NDArray gamma, NDArray beta) {
    }

    /**
     * @param initial     the initial weights, e.g. a DL4J network's ({@link NetWeights#of})
     * @param outputLayer the fixed last layer's name: held constant, never updated
     * @param bnEps       BatchNorm's epsilon
     */
    protected TorchNet(NetWeights initial, String outputLayer, double bnEps) {
        this.manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
        this.bnEps = (float) bnEps;
        this.outputLayer = outputLayer;
        for (Map.Entry<String, HostTensor> layer : initial.layers().entrySet()) {
            HostTensor tensor = layer.getValue();
            NDArray array = manager.create(tensor.values(), new Shape(tensor.shape()));
            array.setRequiresGradient(!layer.getKey().equals(outputLayer));
            weights.put(layer.getKey(), array);
        }
        if (!weights.containsKey(outputLayer)) {
            throw new IllegalArgumentException("no weights of the last layer \"" + outputLayer + "\"");
        }
    }

    /** The libtorch twin of a mixfarm network, from its initial weights. */
    public static TorchNet of(ModelSpec model, NetWeights initial) {
        return switch (model.architecture()) {
            case ModelSpec.MNIST_CNN -> new TorchMnistCnn(initial, model.bnEps());
            case ModelSpec.PRERESNET32 -> new TorchPreResNet32(initial, model.bnEps());
            case ModelSpec.VGG16 -> new TorchVgg16(initial, model.bnEps());
            default -> throw new IllegalArgumentException("no TorchNet for " + model.architecture());
        };
    }

    /** Sets libtorch's intra-op threads (at::set_num_threads), which its OpenMP kernels use from then on. */
    public static void useThreads(int threads) {
        Engine.getEngine("PyTorch"); // loads libtorch and the JNI bridge
        JniUtils.setNumThreads(threads);
    }

    /** libtorch's intra-op threads now. */
    public static int threads() {
        Engine.getEngine("PyTorch");
        return JniUtils.getNumThreads();
    }

    /** The name of the first BN layer, whose running mean the equivalence check compares. */
    public abstract String firstBatchNorm();

    /** The forward pass from images {@code [n, C, H, W]} to logits {@code [n, classes]}. */
    protected abstract NDArray forward(NDArray images, boolean training);

    /** A batch of flattened images {@code [n, C*H*W]} as a tensor {@code [n, C, H, W]} owned by this model. */
    public NDArray images(float[] values, int n, int channels, int height, int width) {
        return manager.create(values, new Shape(n, channels, height, width));
    }

    /** One-hot labels {@code [n, classes]} as a tensor owned by this model. */
    public NDArray labels(float[] oneHot, int n, int classes) {
        return manager.create(oneHot, new Shape(n, classes));
    }

    /**
     * One SGD step on a batch with learning rate {@code lr} and weight decay {@code wd}; returns the batch's mean
     * cross-entropy before the step.
     *
     * @param images {@code [n, C, H, W]}
     * @param oneHot {@code [n, classes]}
     */
    public float trainStep(NDArray images, NDArray oneHot, float lr, float wd) {
        float loss;
        try (NDManager step = manager.newSubManager()) {
            // Every result is owned by its first operand's manager: borrowing the inputs makes all of this step's
            // activations and their gradients step-owned, freed when the step closes.
            images.tempAttach(step);
            oneHot.tempAttach(step);
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray lossArray = forward(images, true).logSoftmax(1).mul(oneHot).sum(new int[] {1}).mean().neg();
                collector.backward(lossArray);
                loss = lossArray.getFloat();
            }
            long start = System.nanoTime();
            update(lr, wd);
            lastUpdateNanos = System.nanoTime() - start;
        }
        return loss;
    }

    /** Nanoseconds the last {@link #trainStep}'s update took. */
    long lastUpdateNanos() {
        return lastUpdateNanos;
    }

    /** The SGD update of every trainable weight from its gradient, which is then zeroed. */
    private void update(float lr, float wd) {
        for (Map.Entry<String, NDArray> layer : weights.entrySet()) {
            if (layer.getKey().equals(outputLayer)) {
                continue;
            }
            NDArray w = layer.getValue();
            NDArray grad = w.getGradient();
            JniUtils.sgdUpdate((PtNDArray) w, (PtNDArray) grad, null, lr, wd, 1f, -1f, 0f);
            JniUtils.zeroGrad((PtNDArray) w);
            grad.close();
        }
    }

    /** Class probabilities, BN with its running statistics (inference), no gradients recorded. */
    public float[] predict(NDArray images) {
        try (NDManager step = manager.newSubManager()) {
            images.tempAttach(step);
            return forward(images, false).softmax(1).toFloatArray();
        }
    }

    /** A bias-free convolution with the weights of {@code layer}, square stride and padding. */
    protected NDArray conv(NDArray x, String layer, int stride, int padding) {
        return Conv2d.conv2d(x, weight(layer), null, new Shape(stride, stride), new Shape(padding, padding), ONES, 1)
                .singletonOrThrow();
    }

    /** BN without affine, named as mixfarm's layer; its running statistics are made on first use. */
    protected NDArray batchNorm(NDArray x, String layer, boolean training) {
        BnState state = batchNorms.computeIfAbsent(layer, name -> {
            Shape channels = new Shape(x.getShape().get(1));
            return new BnState(manager.zeros(channels), manager.ones(channels), manager.ones(channels),
                    manager.zeros(channels));
        });
        return BatchNorm.batchNorm(x, state.runningMean(), state.runningVar(), state.gamma(), state.beta(), BN_AXIS,
                BN_MOMENTUM, bnEps, training).singletonOrThrow();
    }

    protected static NDArray relu(NDArray x) {
        return Activation.relu(x);
    }

    /** 2x2 max pooling, stride 2. */
    protected static NDArray maxPool2(NDArray x) {
        return Pool.maxPool2d(x, POOL, POOL, new Shape(0, 0), false);
    }

    /** A bias-free dense layer on {@code [n, features]}. */
    protected NDArray linear(NDArray x, String layer) {
        return Linear.linear(x, weight(layer), null).singletonOrThrow();
    }

    private NDArray weight(String layer) {
        NDArray w = weights.get(layer);
        if (w == null) {
            throw new IllegalArgumentException("no weights of layer \"" + layer + "\"; have " + weights.keySet());
        }
        return w;
    }

    /** The current weights, in the layout they came in. */
    public NetWeights weights() {
        Map<String, HostTensor> host = new LinkedHashMap<>();
        weights.forEach((name, array) -> host.put(name, host(array)));
        return new NetWeights(host);
    }

    /** The running mean of a BN layer, to check the momentum convention. */
    HostTensor runningMean(String layer) {
        BnState state = batchNorms.get(layer);
        if (state == null) {
            throw new IllegalArgumentException("no BN layer \"" + layer + "\" has run");
        }
        return host(state.runningMean());
    }

    private static HostTensor host(NDArray array) {
        return new HostTensor(array.getShape().getShape(), array.toFloatArray());
    }

    @Override
    public void close() {
        manager.close();
    }
}
