package io.mixfarm.core.data;

import java.util.Arrays;

/**
 * How unsigned pixel bytes become the network's input: {@code (b / 255 - mean[c]) / std[c]} per channel {@code c}.
 * {@link #unit} (mean 0, std 1) is the plain {@code b / 255} that MNIST trials have always used (bitwise the same
 * floats); {@link #perChannel} standardises each channel with the training set's statistics, as the usual CIFAR
 * pipelines do (for CIFAR-10 that is mean 0.4914, 0.4822, 0.4465 and std 0.2470, 0.2435, 0.2616).
 *
 * @param mean per channel, in [0, 1] units
 * @param std  per channel, in [0, 1] units, positive
 */
public record Normalisation(float[] mean, float[] std) {

    public Normalisation {
        mean = mean.clone();
        std = std.clone();
        if (mean.length != std.length || mean.length == 0) {
            throw new IllegalArgumentException("need one mean and one std per channel, got " + mean.length + " and "
                    + std.length);
        }
        for (float s : std) {
            if (!(s > 0) || Float.isInfinite(s)) {
                throw new IllegalArgumentException("std must be positive and finite, got " + Arrays.toString(std));
            }
        }
    }

    /** Pixels scaled to [0, 1] and nothing else. */
    public static Normalisation unit(int channels) {
        float[] ones = new float[channels];
        Arrays.fill(ones, 1f);
        return new Normalisation(new float[channels], ones);
    }

    /**
     * Each channel's mean and (population) standard deviation over every pixel of {@code images}, in [0, 1] units;
     * a constant channel gets std 1, so it is only centred.
     */
    public static Normalisation perChannel(ImageSet images) {
        int channels = images.channels();
        int plane = images.height() * images.width();
        double[] sum = new double[channels];
        double[] squares = new double[channels];
        byte[] pixels = images.pixels();
        for (int i = 0; i < images.count(); i++) {
            for (int c = 0; c < channels; c++) {
                int from = i * images.imageSize() + c * plane;
                long s = 0;
                long q = 0;
                for (int k = from; k < from + plane; k++) {
                    int v = pixels[k] & 0xFF;
                    s += v;
                    q += (long) v * v;
                }
                sum[c] += s;
                squares[c] += q;
            }
        }
        double n = (double) images.count() * plane;
        float[] mean = new float[channels];
        float[] std = new float[channels];
        for (int c = 0; c < channels; c++) {
            double m = sum[c] / n / 255;
            double variance = Math.max(0, squares[c] / n / (255.0 * 255) - m * m);
            mean[c] = (float) m;
            std[c] = variance > 0 ? (float) Math.sqrt(variance) : 1f;
        }
        return new Normalisation(mean, std);
    }

    /** Normalises one CHW image of unsigned bytes into floats. */
    public void apply(byte[] image, int from, int planeSize, float[] target, int offset) {
        int k = 0;
        for (int c = 0; c < mean.length; c++) {
            float m = mean[c];
            float s = std[c];
            for (int p = 0; p < planeSize; p++, k++) {
                target[offset + k] = ((image[from + k] & 0xFF) / 255f - m) / s;
            }
        }
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Normalisation n && Arrays.equals(mean, n.mean) && Arrays.equals(std, n.std);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "Normalisation[mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
    }
}
