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

import java.util.List;

/**
 * {@link io.mixfarm.core.model.MnistCnn} in libtorch, op by op as PyTorch's eager mode runs it:
 * {@code conv3x3 - BN - ReLU - conv3x3 - BN - ReLU - maxpool2 - linear - BN - ReLU - linear(fixed)}, no biases, BN
 * with fixed gamma = 1 and beta = 0, softmax cross-entropy averaged over the batch, and plain SGD with weight decay
 * {@code w <- w - lr (grad + wd w)} on the three trainable weights (DJL's native sgdUpdate, momentum 0).
 */
public final class TorchCnn implements TorchModel, AutoCloseable {

    /**
     * DJL's convention, DL4J's too: DJL hands {@code 1 - momentum} to {@code torch::batch_norm}, so 0.9 here is
     * PyTorch's momentum 0.1 and DL4J's decay 0.9 (running = 0.9 running + 0.1 batch).
     */
    private static final float BN_MOMENTUM = 0.9f;
    /** DJL's direct path: the tensor goes to {@code torch::batch_norm} as it is, channels on axis 1. */
    private static final int BN_AXIS = -1;
    private static final Shape ONES = new Shape(1, 1);
    private static final Shape ZEROS = new Shape(0, 0);
    private static final Shape POOL = new Shape(2, 2);

    private final NDManager manager;
    private final float bnEps;
    private final List<NDArray> trainable;
    private final NDArray out;
    private final List<NDArray> runningMeans;
    private final List<NDArray> runningVars;
    private final List<NDArray> gammas;
    private final List<NDArray> betas;

    /**
     * @param weights the initial weights, e.g. a DL4J network's
     * @param bnEps   BatchNorm's epsilon
     */
    public TorchCnn(CnnWeights weights, double bnEps) {
        this.manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
        this.bnEps = (float) bnEps;
        this.trainable = List.of(parameter(weights.conv1()), parameter(weights.conv2()), parameter(weights.fc1()));
        this.out = manager.create(weights.out().values(), new Shape(weights.out().shape()));
        long[] channels = {weights.conv1().shape()[0], weights.conv2().shape()[0], weights.fc1().shape()[0]};
        this.runningMeans = List.of(manager.zeros(new Shape(channels[0])), manager.zeros(new Shape(channels[1])),
                manager.zeros(new Shape(channels[2])));
        this.runningVars = List.of(manager.ones(new Shape(channels[0])), manager.ones(new Shape(channels[1])),
                manager.ones(new Shape(channels[2])));
        // BN without a trainable affine, held at gamma = 1 and beta = 0 as in the DL4J network: DJL's batch norm
        // needs the tensors, and libtorch computes no gradient for tensors that do not require one.
        this.gammas = List.of(manager.ones(new Shape(channels[0])), manager.ones(new Shape(channels[1])),
                manager.ones(new Shape(channels[2])));
        this.betas = List.of(manager.zeros(new Shape(channels[0])), manager.zeros(new Shape(channels[1])),
                manager.zeros(new Shape(channels[2])));
    }

    private NDArray parameter(HostTensor tensor) {
        NDArray array = manager.create(tensor.values(), new Shape(tensor.shape()));
        array.setRequiresGradient(true);
        return array;
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

    /** libtorch's version, e.g. 2.7.1. */
    public static String version() {
        return Engine.getEngine("PyTorch").getVersion();
    }

    @Override
    public NDArray images(float[] values, int n, int channels, int height, int width) {
        return manager.create(values, new Shape(n, channels, height, width));
    }

    @Override
    public NDArray labels(float[] oneHot, int n, int classes) {
        return manager.create(oneHot, new Shape(n, classes));
    }

    /**
     * One SGD step on a batch; returns the batch's mean cross-entropy before the step.
     *
     * @param images {@code [n, C, H, W]}
     * @param oneHot {@code [n, classes]}
     */
    @Override
    public float trainStep(NDArray images, NDArray oneHot, float lr, float wd) {
        float loss;
        try (NDManager step = manager.newSubManager()) {
            // Every result is owned by its first operand's manager: borrowing the inputs makes all of this step's
            // activations and their gradients step-owned, freed when the step closes.
            images.tempAttach(step);
            oneHot.tempAttach(step);
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray logits = forward(images, true);
                NDArray lossArray = logits.logSoftmax(1).mul(oneHot).sum(new int[] {1}).mean().neg();
                collector.backward(lossArray);
                loss = lossArray.getFloat();
            }
            for (NDArray w : trainable) {
                NDArray grad = w.getGradient();
                JniUtils.sgdUpdate((PtNDArray) w, (PtNDArray) grad, null, lr, wd, 1f, -1f, 0f);
                JniUtils.zeroGrad((PtNDArray) w);
                grad.close();
            }
        }
        return loss;
    }

    /** Class probabilities, BN with its running statistics (inference), no gradients recorded. */
    @Override
    public float[] predict(NDArray images) {
        try (NDManager step = manager.newSubManager()) {
            images.tempAttach(step);
            return forward(images, false).softmax(1).toFloatArray();
        }
    }

    private NDArray forward(NDArray x, boolean training) {
        NDArray h = Conv2d.conv2d(x, trainable.get(0), null, ONES, ZEROS, ONES, 1).singletonOrThrow();
        h = Activation.relu(batchNorm(h, 0, training));
        h = Conv2d.conv2d(h, trainable.get(1), null, ONES, ZEROS, ONES, 1).singletonOrThrow();
        h = Activation.relu(batchNorm(h, 1, training));
        h = Pool.maxPool2d(h, POOL, POOL, ZEROS, false);
        // mixfarm's network computes channels-last and flattens [H, W, C]; flatten in that order so that fc1's
        // weights (taken from DL4J) mean the same thing.
        h = h.transpose(0, 2, 3, 1).reshape(h.getShape().get(0), -1);
        h = Linear.linear(h, trainable.get(2), null).singletonOrThrow();
        h = Activation.relu(batchNorm(h, 2, training));
        return Linear.linear(h, out, null).singletonOrThrow();
    }

    private NDArray batchNorm(NDArray h, int index, boolean training) {
        return BatchNorm.batchNorm(h, runningMeans.get(index), runningVars.get(index), gammas.get(index),
                betas.get(index), BN_AXIS, BN_MOMENTUM, bnEps, training).singletonOrThrow();
    }

    /** The current weights, in the same layout as they came in. */
    public CnnWeights weights() {
        return new CnnWeights(host(trainable.get(0)), host(trainable.get(1)), host(trainable.get(2)), host(out));
    }

    /** The running mean of BN layer {@code index} (0..2), to check the momentum convention. */
    HostTensor runningMean(int index) {
        return host(runningMeans.get(index));
    }

    private static HostTensor host(NDArray array) {
        return new HostTensor(array.getShape().getShape(), array.toFloatArray());
    }

    @Override
    public void close() {
        manager.close();
    }
}
