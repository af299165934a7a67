package io.mixfarm.analysis.tv;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The pairs of two schedules' trials at one record point (trial k of a and of b share a prefix), indexed for the
 * paired bootstrap (docs/method.md, "Paired design"): resamples of the pairs ({@link #resample}) and, on any
 * resample, the unbiased squared L2 distance between the two branches' prediction distributions
 * ({@link #squaredDistance}), the function-space distance the mixing time is read from.
 *
 * <p>A statistic over several record points (a distance curve, a crossing time) is resampled by drawing the pairs
 * once and evaluating every point's {@code PairedTv} with the same draw, so the points of a resampled curve come
 * from the same pairs, as they do in the data.
 *
 * <p>Why a squared L2 distance and not the TV: no unbiased estimator of a TV exists, and the TV job's
 * {@code corrected_tv} is biased downwards by an amount that depends on the number of trials (it is nearly
 * quadratic in the true TV where that is small against the sampling noise), so a time read off it moves with the
 * trial count. {@code D = mean_x sum_c (p_a(c|x) - p_b(c|x))^2} has an exact unbiased U-statistic: with
 * {@code d_k(c) = 1[a_k = c] - 1[b_k = c]} for pair k, {@code E[d_k(c) d_l(c)] = (p_a(c) - p_b(c))^2} for any two
 * distinct pairs, paired or independent. Both distances are 0 exactly when the branches agree.
 */
public final class PairedTv {

    private final int pairs;
    private final int images;
    private final int classes;
    /** Per disagreeing (pair, image): the cells {@code image * classes + class} of a's and of b's class. */
    private final int[] cellA;
    private final int[] cellB;
    private final int[] pairOf;

    private PairedTv(int pairs, int images, int classes, int[] cellA, int[] cellB, int[] pairOf) {
        this.pairs = pairs;
        this.images = images;
        this.classes = classes;
        this.cellA = cellA;
        this.cellB = cellB;
        this.pairOf = pairOf;
    }

    /**
     * The pairs of {@code a} and {@code b}: both must hold the same trial ids (row k of each is pair k), at least 2.
     *
     * @param a one branch's predictions at a record point
     * @param b the other branch's, over the same images and classes
     * @return the indexed pairs
     */
    public static PairedTv of(PredictionMatrix a, PredictionMatrix b) {
        TotalVariation.requireComparable(a, b);
        PooledPredictions.requirePaired(a, b);
        if (a.trials() < 2) {
            throw new IllegalArgumentException("an unbiased distance needs at least 2 pairs, got " + a.trials());
        }
        byte[] pa = a.rawPredicted();
        byte[] pb = b.rawPredicted();
        int images = a.images();
        int classes = a.classes();
        int count = 0;
        for (int k = 0; k < pa.length; k++) {
            count += pa[k] != pb[k] ? 1 : 0;
        }
        int[] cellA = new int[count];
        int[] cellB = new int[count];
        int[] pairOf = new int[count];
        int e = 0;
        for (int k = 0; k < pa.length; k++) {
            if (pa[k] != pb[k]) {
                int image = k % images;
                cellA[e] = image * classes + Byte.toUnsignedInt(pa[k]);
                cellB[e] = image * classes + Byte.toUnsignedInt(pb[k]);
                pairOf[e++] = k / images;
            }
        }
        return new PairedTv(a.trials(), images, classes, cellA, cellB, pairOf);
    }

    /** Number of pairs. */
    public int pairs() {
        return pairs;
    }

    /**
     * How often each pair is drawn in resample {@code r} of a bootstrap of {@code pairs} pairs with replacement:
     * a pure function of ({@code seed}, {@code r}), so a resample is the same whatever order resamples run in.
     *
     * @param pairs pairs in the sample, at least 1
     * @param seed  the bootstrap's seed
     * @param r     resample index, {@code >= 0}
     * @return {@code multiplicity[k]} for each pair, summing to {@code pairs}
     */
    public static int[] resample(int pairs, long seed, int r) {
        if (pairs < 1 || r < 0) {
            throw new IllegalArgumentException("need pairs >= 1 and r >= 0, got " + pairs + " and " + r);
        }
        SplittableRandom rng = TaskSeeds.forTask(TaskSeeds.mix(seed ^ TaskSeeds.PAIR_BOOTSTRAP), r);
        int[] multiplicity = new int[pairs];
        for (int j = 0; j < pairs; j++) {
            multiplicity[rng.nextInt(pairs)]++;
        }
        return multiplicity;
    }

    /** Every pair once: the sample itself. */
    public static int[] identity(int pairs) {
        int[] multiplicity = new int[pairs];
        Arrays.fill(multiplicity, 1);
        return multiplicity;
    }

    /**
     * The unbiased estimate of {@code D = mean_x sum_c (p_a(c|x) - p_b(c|x))^2} from a resample of the pairs: the
     * mean of {@code d_k(c) d_l(c)} over ordered couples of draws of <i>distinct</i> pairs, a pair drawn
     * {@code m_k} times weighing {@code m_k}. With {@code S_c(x) = sum_k m_k d_k(c)} and {@code Q_c(x) = sum_k
     * m_k^2 d_k(c)^2}, {@code D = mean_x sum_c (S_c^2 - Q_c) / (n^2 - sum_k m_k^2)}, {@code n = sum_k m_k}; on the
     * sample itself ({@code m = 1}) that is {@code (S_c^2 - Q_c) / (n (n - 1))}. Why distinct pairs and not distinct
     * draws: two draws of one pair would add {@code d_k^2 >= 0}, a bias of about {@code 1/n} of the disagreement,
     * which would lift every resampled curve above the sample's and keep its tail from falling. It can be negative
     * (noise around 0).
     *
     * @param multiplicity how often each pair is drawn ({@link #resample} or {@link #identity}), at least 2
     *                     distinct pairs
     * @return the estimate
     */
    public double squaredDistance(int[] multiplicity) {
        if (multiplicity.length != pairs) {
            throw new IllegalArgumentException(multiplicity.length + " multiplicities for " + pairs + " pairs");
        }
        long n = 0;
        long sameSquares = 0;
        for (int m : multiplicity) {
            if (m < 0) {
                throw new IllegalArgumentException("multiplicities must be >= 0, got " + m);
            }
            n += m;
            sameSquares += (long) m * m;
        }
        long couples = n * n - sameSquares;
        if (couples == 0) {
            throw new IllegalArgumentException("an unbiased distance needs at least 2 distinct pairs drawn");
        }
        long[] sums = new long[images * classes];
        long squares = 0;
        for (int e = 0; e < pairOf.length; e++) {
            int m = multiplicity[pairOf[e]];
            sums[cellA[e]] += m;
            sums[cellB[e]] -= m;
            squares += 2L * m * m;
        }
        // Only cells some disagreement touched are non-zero; read each once and clear it.
        long total = 0;
        for (int e = 0; e < pairOf.length; e++) {
            total += sums[cellA[e]] * sums[cellA[e]] + sums[cellB[e]] * sums[cellB[e]];
            sums[cellA[e]] = 0;
            sums[cellB[e]] = 0;
        }
        return (double) (total - squares) / ((double) couples * images);
    }
}
