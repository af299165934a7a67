package io.mixfarm.core.model;

import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.lang.ref.Reference;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * "Precise BN" (docs/method.md, "Evaluation"): every BN layer's population statistics measured through the current
 * weights, in place of the running averages, which describe the weights of the last few dozen steps. Each batch
 * passes through the network in training mode, as in an SGD step, so every BN layer sees what training feeds it;
 * per channel, the mean and the (biased) variance over all the batches' examples together are kept.
 *
 * <p>The same for DL4J's BN and the fused BN+ReLU, which stores its running statistics in the same parameters
 * ({@code mean}, and {@code var} or, DL4J's builder default, {@code log10stdev} = log10 sqrt(var + eps)).
 *
 * @param layers per BN layer, by name in network order, its channels' population statistics
 */
public record PopulationStatistics(Map<String, Channels> layers) {

    /**
     * One BN layer's per-channel statistics.
     *
     * @param mean     the mean of the layer's input per channel
     * @param variance its variance per channel, divisor the number of values (as the batch variance BN trains with)
     */
    public record Channels(double[] mean, double[] variance) {
    }

    public PopulationStatistics {
        layers = Collections.unmodifiableMap(new LinkedHashMap<>(layers));
    }

    /**
     * Runs {@code evaluation} with the statistics measured on {@code batches} in every BN layer, then puts every
     * parameter of the network back as it was, bit for bit: the weights, and the running averages training goes on
     * with. Nothing else a training step reads is touched (updater state, iteration and epoch counters).
     *
     * @param batches flattened training images, one a row, each array one training batch
     */
    public static <T> T evaluate(ScaleInvariantNet net, List<INDArray> batches, Supplier<T> evaluation) {
        INDArray saved = net.network().params().dup();
        try {
            measure(net, batches).install(net);
            return evaluation.get();
        } finally {
            net.network().params().assign(saved);
            saved.close();
        }
    }

    /**
     * The population statistics of every BN layer over {@code batches}. A training-mode pass may move DL4J's
     * running averages: use {@link #evaluate}, which restores them, unless the network is thrown away after.
     */
    public static PopulationStatistics measure(ScaleInvariantNet net, List<INDArray> batches) {
        if (batches.isEmpty()) {
            throw new IllegalArgumentException("population statistics need at least one batch");
        }
        Map<String, Pooled> pooled = new LinkedHashMap<>();
        for (BatchNormalization bn : net.batchNormLayers()) {
            String name = ScaleInvariantNet.name(bn);
            pooled.put(name, new Pooled(name, channelsLast(bn)));
        }
        float[] scratch = new float[Pooled.CHUNK];
        for (INDArray features : batches) {
            net.forEachBatchNormInput(features, (name, input) -> pooled.get(name).add(input, scratch));
        }
        Map<String, Channels> layers = new LinkedHashMap<>();
        pooled.forEach((name, p) -> layers.put(name, p.channels()));
        return new PopulationStatistics(layers);
    }

    /** Writes these statistics into the network's BN layers, where inference reads its running averages. */
    public void install(ScaleInvariantNet net) {
        for (BatchNormalization bn : net.batchNormLayers()) {
            Channels channels = layers.get(ScaleInvariantNet.name(bn));
            if (channels == null) {
                throw new IllegalArgumentException("no statistics for BN layer " + ScaleInvariantNet.name(bn));
            }
            org.deeplearning4j.nn.conf.layers.BatchNormalization conf =
                    (org.deeplearning4j.nn.conf.layers.BatchNormalization) bn.conf().getLayer();
            set(bn.getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN), channels.mean());
            if (conf.isUseLogStd()) {
                double[] log10Std = new double[channels.variance().length];
                for (int c = 0; c < log10Std.length; c++) {
                    log10Std[c] = 0.5 * Math.log10(channels.variance()[c] + conf.getEps());
                }
                set(bn.getParam(BatchNormalizationParamInitializer.GLOBAL_LOG_STD), log10Std);
            } else {
                set(bn.getParam(BatchNormalizationParamInitializer.GLOBAL_VAR), channels.variance());
            }
        }
    }

    private static void set(INDArray param, double[] values) {
        if (param.length() != values.length) {
            throw new IllegalArgumentException("a BN statistic of " + param.length() + " channels cannot take "
                    + values.length + " values");
        }
        try (INDArray doubles = Nd4j.createFromArray(values); INDArray cast = doubles.castTo(param.dataType())) {
            param.assign(cast.reshape(param.shape()));
        }
    }

    /** Whether a BN layer reads a 4-d input as {@code [N, H, W, C]} rather than {@code [N, C, H, W]}. */
    private static boolean channelsLast(BatchNormalization bn) {
        org.deeplearning4j.nn.conf.layers.BatchNormalization conf =
                (org.deeplearning4j.nn.conf.layers.BatchNormalization) bn.conf().getLayer();
        return conf.getCnn2DFormat() == CNN2DFormat.NHWC;
    }

    /**
     * Mean and sum of squared deviations per channel, pooled over batches by Chan's parallel update, in float64: the
     * variance over all values of all batches, not the mean of the batches' variances. A batch is read once, where
     * it lies (no float64 copy of the activation): per channel, float64 sums of the values and of their squares, both
     * taken about one of the channel's own values in the batch, so the subtraction that gives the variance cancels
     * nothing float64 cannot hold (a float32 value has 24 bits; float64 keeps 53).
     */
    private static final class Pooled {
        /** Values copied out of the activation at a time: a reused 256 KB array the loops run over. */
        static final int CHUNK = 1 << 16;

        private final String layer;
        private final boolean channelsLast;
        private long count;
        private double[] mean;
        private double[] squares;

        Pooled(String layer, boolean channelsLast) {
            this.layer = layer;
            this.channelsLast = channelsLast;
        }

        /**
         * Adds one batch: this layer's input in that batch's training-mode pass.
         *
         * @param scratch a buffer to copy values through, overwritten
         */
        void add(INDArray input, float[] scratch) {
            if (input.dataType() != DataType.FLOAT) {
                throw new IllegalArgumentException("population statistics read float32 activations; BN layer "
                        + layer + " got " + input.dataType());
            }
            int axis = input.rank() == 4 && channelsLast ? 3 : 1;
            INDArray x = NativeMemory.isDenseRowMajor(input) ? input : input.dup('c');
            int channels = (int) x.size(axis);
            // In C order, value i belongs to channel (i / inner) % channels: runs of `inner` values share a channel.
            long inner = 1;
            for (int d = axis + 1; d < x.rank(); d++) {
                inner *= x.size(d);
            }
            long length = x.length();
            long n = length / channels;
            FloatPointer values = new FloatPointer(x.data().addressPointer());
            double[] shift = new double[channels];
            for (int c = 0; c < channels; c++) {
                shift[c] = values.get(c * inner);
            }
            double[] sum = new double[channels];
            double[] sumSquares = new double[channels];
            // Whole rows of channels per chunk when each value is a channel of its own (channels last, or [N, C]).
            int chunk = inner == 1 ? Math.max(1, CHUNK / channels) * channels : CHUNK;
            float[] buffer = scratch.length >= chunk ? scratch : new float[chunk];
            for (long from = 0; from < length; from += chunk) {
                int len = (int) Math.min(chunk, length - from);
                values.position(from).get(buffer, 0, len);
                if (inner == 1) {
                    for (int k = 0; k < len; k += channels) {
                        for (int c = 0; c < channels; c++) {
                            double d = buffer[k + c] - shift[c];
                            sum[c] += d;
                            sumSquares[c] += d * d;
                        }
                    }
                } else {
                    for (int k = 0; k < len; ) {
                        long i = from + k;
                        int c = (int) ((i / inner) % channels);
                        int end = k + (int) Math.min(inner - i % inner, len - k);
                        double center = shift[c];
                        double s = 0;
                        double q = 0;
                        for (; k < end; k++) {
                            double d = buffer[k] - center;
                            s += d;
                            q += d * d;
                        }
                        sum[c] += s;
                        sumSquares[c] += q;
                    }
                }
            }
            // The pointer does not keep the array's memory alive: the array must outlive the reads.
            Reference.reachabilityFence(x);
            if (x != input) {
                x.close();
            }
            if (mean == null) {
                mean = new double[channels];
                squares = new double[channels];
            }
            long total = count + n;
            for (int c = 0; c < channels; c++) {
                double batchMean = shift[c] + sum[c] / n;
                double batchSquares = sumSquares[c] - sum[c] * sum[c] / n;
                double delta = batchMean - mean[c];
                mean[c] += delta * n / total;
                squares[c] += batchSquares + delta * delta * ((double) count * n / total);
            }
            count = total;
        }

        Channels channels() {
            double[] variance = new double[squares.length];
            for (int c = 0; c < variance.length; c++) {
                variance[c] = squares[c] / count;
            }
            return new Channels(mean.clone(), variance);
        }
    }
}
