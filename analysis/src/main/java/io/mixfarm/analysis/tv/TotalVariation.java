package io.mixfarm.analysis.tv;

/**
 * The plug-in total variation between two schedules' empirical prediction distributions, image by image:
 * {@code TV_x = 1/2 sum_c |p_a(c|x) - p_b(c|x)|} with {@code p_s(c|x)} the fraction of the given trials of
 * {@code s} that predict class {@code c} for image {@code x}.
 *
 * <p>The reference implementation: straightforward counting, kept obviously right. {@link TvEstimator}
 * evaluates the same statistic thousands of times per schedule pair by a faster route and is tested against
 * this class. Arithmetic is exact up to the last division: with counts {@code k_a, k_b} out of {@code n_a, n_b}
 * trials, {@code TV_x = sum_c |k_a n_b - k_b n_a| / (2 n_a n_b)}, summed in a {@code long}.
 */
public final class TotalVariation {

    private TotalVariation() {
    }

    /**
     * How many of the given rows predict each class for each image.
     *
     * @param m    the predictions
     * @param rows row indices (not trial ids) to count; repeats count again, as a bootstrap resample needs
     * @return {@code counts[image * classes + c]}, an {@code images x classes} row-major array
     */
    public static int[] counts(PredictionMatrix m, int[] rows) {
        int images = m.images();
        int classes = m.classes();
        byte[] p = m.rawPredicted();
        int[] counts = new int[Math.multiplyExact(images, classes)];
        for (int r : rows) {
            if (r < 0 || r >= m.trials()) {
                throw new IndexOutOfBoundsException("row " + r + " outside 0.." + (m.trials() - 1));
            }
            int base = r * images;
            for (int i = 0; i < images; i++) {
                counts[i * classes + Byte.toUnsignedInt(p[base + i])]++;
            }
        }
        return counts;
    }

    /**
     * {@link #counts(PredictionMatrix, int[])} over every row of {@code m}.
     *
     * @param m the predictions
     * @return {@code counts[image * classes + c]}
     */
    public static int[] counts(PredictionMatrix m) {
        int[] all = new int[m.trials()];
        for (int r = 0; r < all.length; r++) {
            all[r] = r;
        }
        return counts(m, all);
    }

    /**
     * Per-image plug-in TV between every trial of {@code a} and every trial of {@code b}; the two may have
     * different numbers of trials.
     *
     * @param a one schedule's predictions
     * @param b the other's, over the same images and classes
     * @return {@code TV_x} for each image, in {@code [0, 1]}
     */
    public static double[] perImage(PredictionMatrix a, PredictionMatrix b) {
        requireComparable(a, b);
        return perImage(counts(a), a.trials(), counts(b), b.trials(), a.classes());
    }

    /**
     * Per-image plug-in TV from class counts.
     *
     * @param countsA {@code images x classes} counts of side a, as from {@link #counts(PredictionMatrix, int[])}
     * @param trialsA trials behind {@code countsA} (each image's counts sum to it)
     * @param countsB the same for side b
     * @param trialsB trials behind {@code countsB}
     * @param classes number of classes
     * @return {@code TV_x} for each image
     */
    public static double[] perImage(int[] countsA, int trialsA, int[] countsB, int trialsB, int classes) {
        int images = checkCounts(countsA, trialsA, countsB, trialsB, classes);
        double[] tv = new double[images];
        double denominator = 2.0 * trialsA * trialsB;
        for (int i = 0; i < images; i++) {
            tv[i] = imageNumerator(countsA, trialsA, countsB, trialsB, classes, i) / denominator;
        }
        return tv;
    }

    /**
     * Mean over images of the per-image plug-in TV between every trial of {@code a} and every trial of
     * {@code b}.
     *
     * @param a one schedule's predictions
     * @param b the other's, over the same images and classes
     * @return the mean TV, in {@code [0, 1]}
     */
    public static double mean(PredictionMatrix a, PredictionMatrix b) {
        requireComparable(a, b);
        return mean(counts(a), a.trials(), counts(b), b.trials(), a.classes());
    }

    /**
     * Mean over images of the per-image plug-in TV from class counts.
     *
     * @param countsA {@code images x classes} counts of side a
     * @param trialsA trials behind {@code countsA}
     * @param countsB the same for side b
     * @param trialsB trials behind {@code countsB}
     * @param classes number of classes
     * @return the mean TV
     */
    public static double mean(int[] countsA, int trialsA, int[] countsB, int trialsB, int classes) {
        int images = checkCounts(countsA, trialsA, countsB, trialsB, classes);
        long numerator = 0;
        for (int i = 0; i < images; i++) {
            numerator += imageNumerator(countsA, trialsA, countsB, trialsB, classes, i);
        }
        return numerator / (2.0 * trialsA * trialsB * images);
    }

    /**
     * The population value the plug-in estimates: mean over images of {@code 1/2 sum_c |p(c|x) - q(c|x)|} for
     * known per-image distributions.
     *
     * @param p {@code p[image][class]}, each row a distribution
     * @param q the same shape
     * @return the mean TV
     */
    public static double ofDistributions(double[][] p, double[][] q) {
        if (p.length != q.length || p.length == 0) {
            throw new IllegalArgumentException("p and q must have the same, non-zero number of images, got "
                    + p.length + " and " + q.length);
        }
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            if (p[i].length != q[i].length) {
                throw new IllegalArgumentException("image " + i + " has " + p[i].length + " and " + q[i].length
                        + " classes");
            }
            double tv = 0;
            for (int c = 0; c < p[i].length; c++) {
                tv += Math.abs(p[i][c] - q[i][c]);
            }
            sum += tv / 2;
        }
        return sum / p.length;
    }

    static void requireComparable(PredictionMatrix a, PredictionMatrix b) {
        if (a.images() != b.images() || a.classes() != b.classes()) {
            throw new IllegalArgumentException("predictions must cover the same images and classes, got "
                    + a.images() + " x " + a.classes() + " and " + b.images() + " x " + b.classes());
        }
    }

    private static long imageNumerator(int[] countsA, long trialsA, int[] countsB, long trialsB, int classes, int i) {
        long sum = 0;
        for (int k = i * classes, end = k + classes; k < end; k++) {
            sum += Math.abs(countsA[k] * trialsB - countsB[k] * trialsA);
        }
        return sum;
    }

    private static int checkCounts(int[] countsA, int trialsA, int[] countsB, int trialsB, int classes) {
        if (trialsA < 1 || trialsB < 1) {
            throw new IllegalArgumentException("trials must be >= 1, got " + trialsA + " and " + trialsB);
        }
        if (classes < 1 || countsA.length != countsB.length || countsA.length % classes != 0 || countsA.length == 0) {
            throw new IllegalArgumentException("counts must both be images x classes with classes = " + classes
                    + ", got lengths " + countsA.length + " and " + countsB.length);
        }
        return countsA.length / classes;
    }
}
