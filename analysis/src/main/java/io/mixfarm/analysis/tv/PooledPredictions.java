package io.mixfarm.analysis.tv;

import java.util.Arrays;

/**
 * Two schedules' trials pooled (side a's rows first, then side b's) and indexed for evaluating the mean
 * plug-in TV of many weightings of those trials quickly: every permutation and subset the estimator draws, and
 * every group of trials its interval compares, is a weighting.
 *
 * <p>Why this layout: trained networks agree on most images, so for each image we store only the trials that
 * do not predict the image's most common (pooled) class, grouped by the class they predict. A group's count of
 * a minority class is the sum of its weights over that class's list; its count of the common class is its
 * total weight minus its minority counts. One evaluation thus costs {@code images + minority entries}, not
 * {@code images x trials}: far less where predictions are sharp (most trials agree), and no worse on diffuse ones.
 *
 * <p>A weighting is a {@code long} per pooled trial packing two multiplicities: how often the trial counts in
 * group A (low 32 bits) and in group B (high 32 bits). Summing packed weights sums both groups at once without
 * carries as long as each group's total stays below 2^31.
 *
 * <p>Two walks give the same exact sums. Image by image ({@link #numerator(long[])}'s dense walk), each segment
 * gathers its trials' weights: the cost is every minority entry, whatever the weighting. Trial by trial (the
 * sparse walk), each trial with a non-zero weight adds it to the sums of the segments it belongs to, in
 * increasing segment order: the cost is only the entries of the weighted trials, plus one pass over the
 * segments. The TV-against-n curve weights {@code 2n} of the pooled trials and a bootstrap about 63% of them,
 * so the sparse walk does a fraction of the work there; the all-trials permutations weight every trial and
 * take the dense walk. Both sums are exact integers, so the walk chosen never changes a result.
 */
final class PooledPredictions {

    /** Packed weight of one membership in group A. */
    static final long A = 1L;
    /** Packed weight of one membership in group B. */
    static final long B = 1L << 32;
    private static final long LOW = 0xFFFF_FFFFL;
    /** Images transposed at a time: 64 images x 1,000 trials of bytes stay in L2 while they are read. */
    private static final int BLOCK = 64;
    /**
     * The sparse walk is taken when the weighted trials hold less than SPARSE_SHARE_NUM / SPARSE_SHARE_DEN of the
     * minority entries: a scattered entry costs about 1.5 gathered ones (docs/performance.md, the TV job).
     */
    private static final int SPARSE_SHARE_NUM = 2;
    private static final int SPARSE_SHARE_DEN = 3;

    private final int trialsA;
    private final int trialsB;
    private final int images;
    /** Image i's minority classes are segments {@code imageSegments[i] .. imageSegments[i+1]-1}. */
    private final int[] imageSegments;
    /** Segment s lists pooled trials {@code minorTrials[segmentBounds[s] .. segmentBounds[s+1]-1]}. */
    private final int[] segmentBounds;
    /** Pooled trial indices, per image and minority class, increasing within a segment. */
    private final int[] minorTrials;
    /** Trial t's minority entries are {@code trialSegments[trialBounds[t] .. trialBounds[t+1]-1]}. */
    private final int[] trialBounds;
    /** The transpose of {@link #minorTrials}: per pooled trial, the segments it is listed in, increasing. */
    private final int[] trialSegments;

    private PooledPredictions(int trialsA, int trialsB, int images, int[] imageSegments, int[] segmentBounds,
                              int[] minorTrials) {
        this.trialsA = trialsA;
        this.trialsB = trialsB;
        this.images = images;
        this.imageSegments = imageSegments;
        this.segmentBounds = segmentBounds;
        this.minorTrials = minorTrials;
        int trials = trialsA + trialsB;
        this.trialBounds = new int[trials + 1];
        for (int trial : minorTrials) {
            trialBounds[trial + 1]++;
        }
        for (int t = 0; t < trials; t++) {
            trialBounds[t + 1] += trialBounds[t];
        }
        // A counting sort by trial; segments are visited in increasing order, so each trial's list is sorted.
        this.trialSegments = new int[minorTrials.length];
        int[] next = Arrays.copyOf(trialBounds, trials);
        for (int s = 0, segments = segmentBounds.length - 1; s < segments; s++) {
            for (int k = segmentBounds[s], stop = segmentBounds[s + 1]; k < stop; k++) {
                trialSegments[next[minorTrials[k]]++] = s;
            }
        }
    }

    /** Pools {@code a}'s rows (pooled trials {@code 0..a.trials()-1}) and then {@code b}'s. */
    static PooledPredictions of(PredictionMatrix a, PredictionMatrix b) {
        TotalVariation.requireComparable(a, b);
        int nA = a.trials();
        int trials = Math.addExact(nA, b.trials());
        int images = a.images();
        int classes = a.classes();
        byte[] pa = a.rawPredicted();
        byte[] pb = b.rawPredicted();
        int[] imageSegments = new int[images + 1];
        IntList segmentBounds = new IntList(images + 1);
        segmentBounds.add(0);
        IntList minor = new IntList(Math.max(16, trials * images / 16));
        byte[] block = new byte[BLOCK * trials];
        int[] count = new int[classes];
        int[] next = new int[classes];
        for (int i0 = 0; i0 < images; i0 += BLOCK) {
            int width = Math.min(BLOCK, images - i0);
            // Transpose a block of columns so that each image's pooled predictions are contiguous.
            for (int t = 0; t < trials; t++) {
                byte[] p = t < nA ? pa : pb;
                int from = (t < nA ? t : t - nA) * images + i0;
                for (int j = 0; j < width; j++) {
                    block[j * trials + t] = p[from + j];
                }
            }
            for (int j = 0; j < width; j++) {
                int off = j * trials;
                Arrays.fill(count, 0);
                for (int t = 0; t < trials; t++) {
                    count[Byte.toUnsignedInt(block[off + t])]++;
                }
                int common = 0;
                for (int c = 1; c < classes; c++) {
                    if (count[c] > count[common]) {
                        common = c;
                    }
                }
                int start = minor.size();
                int position = start;
                for (int c = 0; c < classes; c++) {
                    if (c != common && count[c] > 0) {
                        next[c] = position;
                        position = Math.addExact(position, count[c]);
                        segmentBounds.add(position);
                    }
                }
                minor.growTo(position);
                for (int t = 0; t < trials; t++) {
                    int c = Byte.toUnsignedInt(block[off + t]);
                    if (c != common) {
                        minor.set(next[c]++, t);
                    }
                }
                imageSegments[i0 + j + 1] = segmentBounds.size() - 1;
            }
        }
        return new PooledPredictions(nA, trials - nA, images, imageSegments, segmentBounds.toArray(),
                minor.toArray());
    }

    /**
     * Pools two sides of a paired design: pair k is row k of {@code a} (pooled trial k) and row k of {@code b}
     * (pooled trial {@code a.trials() + k}). Pairing is by trial id: both sides must hold the same ids, so a
     * trial missing on one side (failed, diverged, not yet run) has to be left out of the other side too.
     */
    static PooledPredictions ofPairs(PredictionMatrix a, PredictionMatrix b) {
        requirePaired(a, b);
        return of(a, b);
    }

    /** The one rule of pairing: the same trial ids on both sides, so row k of each is trial k of the pair. */
    static void requirePaired(PredictionMatrix a, PredictionMatrix b) {
        if (!Arrays.equals(a.rawTrialIds(), b.rawTrialIds())) {
            throw new IllegalArgumentException("a paired design needs the same trials on both sides, got " + a
                    + " and " + b);
        }
    }

    /** Trials of side a: pooled indices {@code 0..trialsA-1}. */
    int trialsA() {
        return trialsA;
    }

    /** Trials of side b: pooled indices {@code trialsA..trials-1}. */
    int trialsB() {
        return trialsB;
    }

    /** All pooled trials. */
    int trials() {
        return trialsA + trialsB;
    }

    int images() {
        return images;
    }

    /** Minority entries stored, a measure of the cost of one evaluation. */
    long minorityEntries() {
        return minorTrials.length;
    }

    /**
     * The exact numerator {@code sum_x sum_c |k_A(c|x) W_B - k_B(c|x) W_A|} of the mean TV between the two
     * groups of a weighting, where {@code W_A, W_B} are the groups' total weights; the mean TV is it divided by
     * {@link #denominator(long, long)}.
     *
     * @param weights packed weight of every pooled trial ({@link #A} and {@link #B} multiples)
     * @return the numerator
     */
    long numerator(long[] weights) {
        return numerator(weights, new long[segments()]);
    }

    /**
     * {@link #numerator(long[])} with a caller's work buffer, so that a loop over many weightings allocates it
     * once.
     *
     * @param weights     packed weight of every pooled trial
     * @param segmentSums a buffer of {@link #segments()} entries; its content on entry does not matter
     * @return the numerator
     */
    long numerator(long[] weights, long[] segmentSums) {
        return numerator(weights, segmentSums, null);
    }

    /**
     * {@link #numerator(long[], long[])} by a given walk (tests check that both agree), or by the cheaper one for
     * this weighting if {@code walk} is null.
     */
    long numerator(long[] weights, long[] segmentSums, Walk walk) {
        long total = 0;
        long weightedEntries = 0;
        for (int t = 0; t < weights.length; t++) {
            long w = weights[t];
            total += w;
            if (w != 0) {
                weightedEntries += trialBounds[t + 1] - trialBounds[t];
            }
        }
        long wA = total & LOW;
        long wB = total >>> 32;
        if (wA == 0 || wB == 0) {
            throw new IllegalArgumentException("both groups need weight, got " + wA + " and " + wB);
        }
        // The numerator is at most 2 W_A W_B images; fail rather than wrap around.
        Math.multiplyExact(Math.multiplyExact(2 * wA, wB), (long) images);
        if (walk == null) {
            walk = weightedEntries * SPARSE_SHARE_DEN < (long) minorTrials.length * SPARSE_SHARE_NUM ? Walk.SPARSE
                    : Walk.DENSE;
        }
        return walk == Walk.SPARSE ? sparse(weights, wA, wB, segmentSums) : dense(weights, wA, wB);
    }

    /** Image by image: each segment gathers its trials' weights. */
    private long dense(long[] weights, long wA, long wB) {
        long numerator = 0;
        int s = 0;
        for (int i = 0; i < images; i++) {
            long minority = 0;
            for (int end = imageSegments[i + 1]; s < end; s++) {
                long sum = 0;
                for (int k = segmentBounds[s], stop = segmentBounds[s + 1]; k < stop; k++) {
                    sum += weights[minorTrials[k]];
                }
                numerator += Math.abs((sum & LOW) * wB - (sum >>> 32) * wA);
                minority += sum;
            }
            numerator += Math.abs((wA - (minority & LOW)) * wB - (wB - (minority >>> 32)) * wA);
        }
        return numerator;
    }

    /**
     * Per pooled trial, {@code sum_x sign(p_A(c|x) - p_B(c|x))} at the class {@code c} the trial predicts for image
     * {@code x}, with {@code p_A, p_B} the class frequencies of the two groups of {@code signWeights} (sign 0 on a
     * tie). A group's mean score over images {@code 2 images} times is thus the group's mean of a per-trial
     * statistic, so sums of signs times frequency differences, and their variance over trials, come from these.
     *
     * @param signWeights packed weights defining the groups whose frequency differences give the signs
     * @return the score of every pooled trial, side a's first
     */
    int[] signScores(long[] signWeights) {
        long total = 0;
        for (long w : signWeights) {
            total += w;
        }
        long wA = total & LOW;
        long wB = total >>> 32;
        if (wA == 0 || wB == 0) {
            throw new IllegalArgumentException("both groups need weight, got " + wA + " and " + wB);
        }
        int segments = segmentBounds.length - 1;
        int[] segmentSign = new int[segments];
        int[] commonSign = new int[images];
        int base = 0;
        int s = 0;
        for (int i = 0; i < images; i++) {
            long minority = 0;
            for (int end = imageSegments[i + 1]; s < end; s++) {
                long sum = 0;
                for (int k = segmentBounds[s], stop = segmentBounds[s + 1]; k < stop; k++) {
                    sum += signWeights[minorTrials[k]];
                }
                segmentSign[s] = Long.signum((sum & LOW) * wB - (sum >>> 32) * wA);
                minority += sum;
            }
            commonSign[i] = Long.signum((wA - (minority & LOW)) * wB - (wB - (minority >>> 32)) * wA);
            base += commonSign[i];
        }
        int[] scores = new int[trials()];
        Arrays.fill(scores, base);
        s = 0;
        for (int i = 0; i < images; i++) {
            for (int end = imageSegments[i + 1]; s < end; s++) {
                int change = segmentSign[s] - commonSign[i];
                for (int k = segmentBounds[s], stop = segmentBounds[s + 1]; k < stop; k++) {
                    scores[minorTrials[k]] += change;
                }
            }
        }
        return scores;
    }

    /**
     * Calls {@code visitor} once per image, in order, with the packed group counts ({@link #A} and {@link #B}
     * multiples, as in {@code weights}) of every class some pooled trial predicts there: for benchmarks of
     * statistics other than the plug-in, which {@link #numerator} computes faster.
     *
     * @param weights packed weight of every pooled trial
     * @param visitor receives each image's counts
     */
    void forEachImage(long[] weights, ImageVisitor visitor) {
        long total = 0;
        for (long w : weights) {
            total += w;
        }
        long[] counts = new long[maxClassesPerImage()];
        int s = 0;
        for (int i = 0; i < images; i++) {
            long minority = 0;
            int present = 1;
            for (int end = imageSegments[i + 1]; s < end; s++) {
                long sum = 0;
                for (int k = segmentBounds[s], stop = segmentBounds[s + 1]; k < stop; k++) {
                    sum += weights[minorTrials[k]];
                }
                counts[present++] = sum;
                minority += sum;
            }
            counts[0] = total - minority;
            visitor.image(i, counts, present, total & LOW, total >>> 32);
        }
    }

    /** Classes predicted at the image with the most: the common class and its minority segments. */
    private int maxClassesPerImage() {
        int max = 0;
        for (int i = 0; i < images; i++) {
            max = Math.max(max, imageSegments[i + 1] - imageSegments[i]);
        }
        return max + 1;
    }

    /** Receives one image's class counts from {@link #forEachImage}. */
    @FunctionalInterface
    interface ImageVisitor {
        /**
         * @param image  the image
         * @param counts packed counts of its predicted classes in {@code counts[0..present-1]}, the pooled common
         *               class first; a reused buffer, valid during the call only
         * @param present how many classes the pooled trials predict for this image
         * @param wA     group A's total weight
         * @param wB     group B's total weight
         */
        void image(int image, long[] counts, int present, long wA, long wB);
    }

    /** Trial by trial: each weighted trial adds its weight to its segments, then one pass reads the sums. */
    private long sparse(long[] weights, long wA, long wB, long[] sums) {
        if (sums.length != segments()) {
            throw new IllegalArgumentException("segment buffer has " + sums.length + " entries, expected "
                    + segments());
        }
        Arrays.fill(sums, 0L);
        for (int t = 0; t < weights.length; t++) {
            long w = weights[t];
            if (w != 0) {
                for (int k = trialBounds[t], stop = trialBounds[t + 1]; k < stop; k++) {
                    sums[trialSegments[k]] += w;
                }
            }
        }
        // One flat loop over the segments that closes an image where its segments end. Not the dense walk's
        // nested loops: HotSpot 17's C2 crashes (ShouldNotReachHere in TypeVect::xmeet) vectorising a simple
        // loop of Math.abs(long) sums with AVX-512, and the branch here keeps it from vectorising.
        long numerator = 0;
        long minority = 0;
        int image = 0;
        int boundary = imageSegments[1];
        for (int s = 0, segments = sums.length; s < segments; s++) {
            while (s == boundary) {
                numerator += Math.abs((wA - (minority & LOW)) * wB - (wB - (minority >>> 32)) * wA);
                minority = 0;
                boundary = imageSegments[++image + 1];
            }
            long sum = sums[s];
            numerator += Math.abs((sum & LOW) * wB - (sum >>> 32) * wA);
            minority += sum;
        }
        for (; image < images; image++) {
            numerator += Math.abs((wA - (minority & LOW)) * wB - (wB - (minority >>> 32)) * wA);
            minority = 0;
        }
        return numerator;
    }

    /** Segments (an image's minority classes) in all: the size of {@link #numerator(long[], long[])}'s buffer. */
    int segments() {
        return segmentBounds.length - 1;
    }

    /** {@code 2 W_A W_B images}, the common denominator of every weighting with group totals {@code wA, wB}. */
    double denominator(long wA, long wB) {
        return 2.0 * wA * wB * images;
    }

    /** How {@link #numerator(long[], long[], Walk)} sums a weighting: see the class description. */
    enum Walk {
        /** Image by image, gathering every minority entry's weight. */
        DENSE,
        /** Trial by trial, scattering only the weighted trials' entries. */
        SPARSE
    }

    /** A growable int array: no boxing while the index is built. */
    private static final class IntList {
        private int[] values;
        private int size;

        IntList(int capacity) {
            values = new int[Math.max(1, capacity)];
        }

        void add(int v) {
            growTo(size + 1);
            values[size - 1] = v;
        }

        void set(int index, int v) {
            values[index] = v;
        }

        /** Extends the list to {@code newSize} entries (new ones 0). */
        void growTo(int newSize) {
            if (newSize > values.length) {
                values = Arrays.copyOf(values, (int) Math.min(Integer.MAX_VALUE - 8,
                        Math.max(newSize, 2L * values.length)));
            }
            size = newSize;
        }

        int size() {
            return size;
        }

        int[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}
