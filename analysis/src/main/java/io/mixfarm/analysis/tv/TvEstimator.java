package io.mixfarm.analysis.tv;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The mean plug-in TV between two schedules at one record epoch, with what it needs to be read: its value at
 * n trials per schedule, a whole-trial permutation null (noise floor, p-value, bias-corrected TV) and a 95%
 * confidence interval for the true mean TV ({@link TvBracket}; docs/intervals.md, docs/method.md "Estimators").
 *
 * <p>Definitions, for schedules a and b with {@code N_a} and {@code N_b} trials and {@code T(G_A, G_B)} the
 * mean over images of {@code 1/2 sum_c |p_GA(c|x) - p_GB(c|x)|} between two groups of trials:
 * <ul>
 *   <li>{@link #estimate}: {@code tv = T(all of a, all of b)}. Null: {@code permutations} times, shuffle the
 *       {@code N_a + N_b} pooled trials and split them into groups of {@code N_a} and {@code N_b}. Interval: from
 *       all {@code N_a} and {@code N_b} trials.</li>
 *   <li>{@link #estimateAtN}: {@code tv = T(first n of a, first n of b)} by trial id (nested, so a curve over
 *       n reuses trials); {@code tvRandomMean/Sd} over {@code resamples} draws of n trials of each schedule
 *       without replacement. Null: two disjoint random n-subsets of the pooled trials (always possible:
 *       {@code n <= min(N_a, N_b)} implies {@code 2n <= N_a + N_b}). Interval: from each schedule's first n
 *       trials.</li>
 *   <li>Both: {@code nullMean}, {@code nullSd} (divisor R - 1) of the null values; {@code pValue =
 *       (1 + #{null >= tv}) / (1 + permutations)}, ties compared exactly; {@code correctedTv = tv - nullMean};
 *       {@code ciLow, ciHigh} = {@link TvBracket}'s interval, NaN below {@value TvBracket#MIN_TRIALS}
 *       trials per schedule.</li>
 * </ul>
 * Whole trials are permuted and resampled, never single predictions, because one trial's predictions are
 * correlated across images. A zero count of permutations or resamples leaves the fields it feeds NaN.
 *
 * <p>{@link Design#PAIRED} (forked trials: trial k of a and of b share a prefix; both sides hold the same trial
 * ids) changes what is resampled, never the statistic: the null swaps the two branches within each pair,
 * independently per pair; the random n-subsets draw n pairs; the interval's standard errors are those of
 * within-pair differences ({@link TvBracket#ofPairs}). The whole-trial null would be wrong there: a pair's
 * branches are more alike than two unrelated trials, so relabelling across pairs inflates the null and the
 * p-values pile up near 1 (docs/intervals.md, "Paired design").
 *
 * <p>Caveat: {@code correctedTv} is unbiased when the schedules agree (true TV 0) and biased downwards when
 * they differ, because the pooled null overstates the bias on images where they differ (measured on synthetic
 * data with a known TV: true 0.087 gave a mean {@code correctedTv} of 0.064 at 500 trials and 0.038 at 50). Read
 * it as conservative; {@code docs/intervals.md} gives the coverage of intervals built on it and on {@code tv}.
 *
 * <p>Deterministic: resample r of a row draws from a generator derived from (seed, what is drawn, epoch,
 * a, b, group sizes, r) alone ({@link TaskSeeds}), so rows are identical for a seed whatever the thread count.
 * Resamples run on parallel streams (the common fork-join pool, or the pool that calls this).
 */
public final class TvEstimator {

    /** Resamples per parallel task: enough work to amortise a task's buffers. */
    private static final int CHUNK = 4;

    private final long seed;
    private final int resamples;
    private final int permutations;

    /**
     * An estimator whose every row is a deterministic function of its inputs and these settings.
     *
     * @param seed         seed of every random draw
     * @param resamples    random n-subsets per side behind {@code tvRandomMean}, {@code tvRandomSd}
     * @param permutations whole-trial relabellings behind the null fields and the p-value
     */
    public TvEstimator(long seed, int resamples, int permutations) {
        if (resamples < 0 || permutations < 0) {
            throw new IllegalArgumentException("resamples and permutations must be >= 0, got " + resamples + ", "
                    + permutations);
        }
        this.seed = seed;
        this.resamples = resamples;
        this.permutations = permutations;
    }

    /**
     * The TV between every trial of {@code a} and every trial of {@code b}: the row with {@code allTrials} set. Its
     * {@code n} is {@code min(trialsA, trialsB)}; {@code tvRandomMean = tv} and {@code tvRandomSd = 0}, exactly, since the
     * only subset of all trials is all of them.
     *
     * @param epoch    record epoch
     * @param a        first schedule's name
     * @param b        second schedule's name
     * @param ma       a's predictions at {@code epoch}
     * @param mb       b's predictions, over the same images and classes
     * @param baseline the sum of the two schedules' mean test errors, copied into the row
     * @return the summary row
     */
    public TvSummaryRow estimate(int epoch, String a, String b, PredictionMatrix ma, PredictionMatrix mb,
                                 double baseline) {
        return estimate(epoch, a, b, ma, mb, baseline, Design.UNPAIRED);
    }

    /**
     * {@link #estimate(int, String, String, PredictionMatrix, PredictionMatrix, double)} under a design.
     *
     * @param design {@link Design#PAIRED} needs the same trial ids in {@code ma} and {@code mb}
     * @return the summary row, recording {@code design}
     */
    public TvSummaryRow estimate(int epoch, String a, String b, PredictionMatrix ma, PredictionMatrix mb,
                                 double baseline, Design design) {
        requireNames(a, b);
        PooledPredictions pool = pool(ma, mb, design);
        int nA = ma.trials();
        int nB = mb.trials();
        long[] observed = new long[pool.trials()];
        Draws.nested(pool, nA, nB, observed);
        long tv = pool.numerator(observed);
        double value = tv / pool.denominator(nA, nB);
        return summarize(epoch, a, b, Math.min(nA, nB), pool, nA, nB, tv, value, 0.0, baseline, true, design);
    }

    /**
     * The TV between n trials of each schedule.
     *
     * @param epoch    record epoch
     * @param a        first schedule's name
     * @param b        second schedule's name
     * @param ma       a's predictions at {@code epoch}
     * @param mb       b's predictions, over the same images and classes
     * @param n        trials per schedule, {@code 1..min(trialsA, trialsB)}
     * @param baseline copied into the row
     * @return the summary row, with {@code trialsA = trialsB = n}
     */
    public TvSummaryRow estimateAtN(int epoch, String a, String b, PredictionMatrix ma, PredictionMatrix mb, int n,
                                    double baseline) {
        return estimateAtN(epoch, a, b, ma, mb, n, baseline, Design.UNPAIRED);
    }

    /**
     * {@link #estimateAtN(int, String, String, PredictionMatrix, PredictionMatrix, int, double)} under a design:
     * with {@link Design#PAIRED}, the first n pairs.
     */
    public TvSummaryRow estimateAtN(int epoch, String a, String b, PredictionMatrix ma, PredictionMatrix mb, int n,
                                    double baseline, Design design) {
        requireNames(a, b);
        return estimateAtN(epoch, a, b, pool(ma, mb, design), n, baseline, design);
    }

    /**
     * {@link #estimateAtN} for each n, sharing one index of the pooled trials.
     *
     * @param epoch    record epoch
     * @param a        first schedule's name
     * @param b        second schedule's name
     * @param ma       a's predictions at {@code epoch}
     * @param mb       b's predictions
     * @param ns       trial counts, e.g. {@link #defaultNs(int)} of {@code min(trialsA, trialsB)}
     * @param baseline copied into every row
     * @return one row per n, in the order of {@code ns}
     */
    public List<TvSummaryRow> againstN(int epoch, String a, String b, PredictionMatrix ma, PredictionMatrix mb,
                                       int[] ns, double baseline) {
        return againstN(epoch, a, b, ma, mb, ns, baseline, Design.UNPAIRED);
    }

    /** {@link #againstN(int, String, String, PredictionMatrix, PredictionMatrix, int[], double)} under a design. */
    public List<TvSummaryRow> againstN(int epoch, String a, String b, PredictionMatrix ma, PredictionMatrix mb,
                                       int[] ns, double baseline, Design design) {
        requireNames(a, b);
        int available = Math.min(ma.trials(), mb.trials());
        for (int n : ns) {
            requireN(n, available);
        }
        PooledPredictions pool = pool(ma, mb, design);
        List<TvSummaryRow> rows = new ArrayList<>(ns.length);
        for (int n : ns) {
            rows.add(estimateAtN(epoch, a, b, pool, n, baseline, design));
        }
        return List.copyOf(rows);
    }

    /**
     * The trial counts of a TV-against-n curve: 1, 2, 4, ... up to {@code available}, then {@code available}
     * itself if it is not a power of two.
     *
     * @param available trials per schedule, at least 1
     * @return increasing trial counts
     */
    public static int[] defaultNs(int available) {
        if (available < 1) {
            throw new IllegalArgumentException("available must be >= 1, got " + available);
        }
        int[] ns = new int[33];
        int count = 0;
        for (long n = 1; n <= available; n *= 2) {
            ns[count++] = (int) n;
        }
        if (ns[count - 1] != available) {
            ns[count++] = available;
        }
        return Arrays.copyOf(ns, count);
    }

    /**
     * Per-image plug-in TV between every trial of each side; see {@link TotalVariation#perImage}.
     *
     * @param a one schedule's predictions
     * @param b the other's
     * @return {@code TV_x} for each image
     */
    public static double[] perImage(PredictionMatrix a, PredictionMatrix b) {
        return TotalVariation.perImage(a, b);
    }

    private TvSummaryRow estimateAtN(int epoch, String a, String b, PooledPredictions pool, int n, double baseline,
                                     Design design) {
        requireN(n, Math.min(pool.trialsA(), pool.trialsB()));
        long[] observed = new long[pool.trials()];
        Draws.nested(pool, n, n, observed);
        long tv = pool.numerator(observed);
        boolean paired = design == Design.PAIRED;
        long key = TaskSeeds.streamKey(seed, paired ? TaskSeeds.PAIR_SUBSETS : TaskSeeds.SUBSETS, epoch, a, b, n, n);
        long[] random = run(pool, key, resamples, paired
                ? (rng, w, scratch) -> Draws.pairSubsets(pool, n, rng, w, scratch)
                : (rng, w, scratch) -> Draws.subsets(pool, n, rng, w, scratch));
        double denominator = pool.denominator(n, n);
        return summarize(epoch, a, b, n, pool, n, n, tv, SampleStats.mean(random, denominator),
                SampleStats.sd(random, denominator), baseline, n == pool.trialsA() && n == pool.trialsB(), design);
    }

    /** The pooled trials of a design: for {@link Design#PAIRED}, pair k is row k of each side. */
    private static PooledPredictions pool(PredictionMatrix ma, PredictionMatrix mb, Design design) {
        if (design == null) {
            throw new IllegalArgumentException("design must not be null");
        }
        return design == Design.PAIRED ? PooledPredictions.ofPairs(ma, mb) : PooledPredictions.of(ma, mb);
    }

    /**
     * The row for groups of {@code groupA} and {@code groupB} trials: the null relabels the pooled trials into
     * groups of those sizes, so every value shares the observed statistic's denominator, and the interval uses
     * each side's first {@code groupA} / {@code groupB} trials.
     */
    private TvSummaryRow summarize(int epoch, String a, String b, int n, PooledPredictions pool, int groupA,
                                   int groupB, long tv, double randomMean, double randomSd, double baseline,
                                   boolean allTrials, Design design) {
        double denominator = pool.denominator(groupA, groupB);
        boolean paired = design == Design.PAIRED;
        long nullKey = TaskSeeds.streamKey(seed, paired ? TaskSeeds.PAIR_NULL : TaskSeeds.NULL, epoch, a, b, groupA,
                groupB);
        long[] nulls = run(pool, nullKey, permutations, paired
                ? (rng, w, scratch) -> Draws.swapPairs(pool, groupA, rng, w)
                : (rng, w, scratch) -> Draws.relabel(pool, groupA, groupB, rng, w, scratch));
        TvBracket.Bracket interval = paired ? TvBracket.ofPairs(pool, groupA) : TvBracket.of(pool, groupA, groupB);

        double value = tv / denominator;
        double nullMean = SampleStats.mean(nulls, denominator);
        double pValue = nulls.length == 0 ? Double.NaN
                : (1.0 + SampleStats.atLeast(nulls, tv)) / (1.0 + nulls.length);
        return new TvSummaryRow(epoch, a, b, n, groupA, groupB, value, randomMean, randomSd, baseline,
                nullMean, SampleStats.sd(nulls, denominator), pValue, value - nullMean, interval.low(),
                interval.high(), allTrials, Double.NaN, 0, 0, design);
    }

    /** Fills {@code count} weightings, each from its own generator, and returns their TV numerators. */
    private static long[] run(PooledPredictions pool, long key, int count, Draw draw) {
        long[] out = new long[count];
        int chunks = (count + CHUNK - 1) / CHUNK;
        IntStream.range(0, chunks).parallel().forEach(chunk -> {
            // Buffers per task, not per resample: resamples in a chunk reuse them.
            long[] weights = new long[pool.trials()];
            int[] scratch = new int[pool.trials()];
            long[] sums = new long[pool.segments()];
            for (int r = chunk * CHUNK, end = Math.min(count, r + CHUNK); r < end; r++) {
                Arrays.fill(weights, 0L);
                draw.fill(TaskSeeds.forTask(key, r), weights, scratch);
                out[r] = pool.numerator(weights, sums);
            }
        });
        return out;
    }

    private static void requireNames(String a, String b) {
        if (a == null || b == null) {
            throw new IllegalArgumentException("schedule names must not be null");
        }
    }

    private static void requireN(int n, int available) {
        if (n < 1 || n > available) {
            throw new IllegalArgumentException("n must be in 1.." + available + " (the smaller schedule's trials), got "
                    + n);
        }
    }

    /** One kind of resample: fills zeroed packed weights from a generator, using a scratch buffer. */
    @FunctionalInterface
    private interface Draw {
        void fill(SplittableRandom rng, long[] weights, int[] scratch);
    }
}
