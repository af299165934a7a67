package io.mixfarm.analysis.tv;

/**
 * The TV job's 95% confidence interval for the true mean TV {@code theta = mean_x 1/2 sum_c |p_a(c|x) -
 * p_b(c|x)|} between two schedules' prediction distributions (the distributions over every trial a schedule could
 * run, not over the trials it ran), averaged over the test images: a lower end from an estimate that cannot
 * overstate {@code theta} on average, an upper end from one that cannot understate it, each a one-sided 97.5%
 * normal bound over whole trials.
 *
 * <p>Why a bracket and not a bootstrap of the plug-in: no unbiased estimator of a total variation exists, and the
 * plug-in's upward bias (about {@code 1/sqrt(n)} per class where the schedules agree) does not shrink with the
 * number of images while its standard error does, so on thousands of images an interval centred on the plug-in,
 * or on a bias-corrected plug-in whose correction is a little off, misses. The coverage benchmark measured this
 * for every bootstrap interval we tried ({@code docs/intervals.md}); the bracket needs no bias correction:
 * <ul>
 *   <li><b>Upper end</b>: for any signs {@code s_c(x)}, {@code 1/2 sum_c s_c (p_a - p_b)} is at most the TV, with
 *       equality at the signs of the difference itself. So the plug-in {@code tv} is at least the same sum at the
 *       <i>true</i> signs, whose expectation is {@code theta}; that sum is a difference between the two schedules'
 *       means of one score per trial ({@link PooledPredictions#signScores}), whose standard error we estimate at
 *       the observed signs: {@code high = tv + z se}.</li>
 *   <li><b>Lower end</b> (cross-fitting): row {@code t} of each schedule's trials is in fold {@code t mod K}. Signs
 *       from the other folds, applied to one fold's frequency differences, give an estimate whose expectation is
 *       {@code 1/2 sum_c E[s_c] (p_a - p_b) <= theta}, since the fold is independent of its signs; it is again a
 *       difference of mean per-trial scores. {@code L} averages the K folds; its standard error is the mean of
 *       the folds' (valid however the folds are correlated): {@code low = L - z se}.</li>
 * </ul>
 * Both ends are clamped to [0, 1]. Whole trials are the unit, so correlation across images within a trial is
 * accounted for. The interval is conservative where predictions are sharp (the plug-in's bias is the gap above
 * {@code theta}, and wrong signs the gap below); it is deterministic (no resampling) and costs {@code 1 + K}
 * evaluations of the sign scores. It needs at least {@value #MIN_TRIALS} trials per schedule (two folds of two,
 * for a variance); below that both ends are NaN.
 */
final class TvBracket {

    /** Fewest trials per schedule: two folds of two trials, for a variance. */
    static final int MIN_TRIALS = 4;
    /** Folds of the lower end, at most: signs from 4/5 of the trials are wrong less often than from half. */
    static final int FOLDS = 5;
    /** The standard normal's 97.5% quantile: each end is a one-sided 97.5% bound, so the pair is 95%. */
    static final double Z = 1.959963984540054;

    private TvBracket() {
    }

    /**
     * The estimates behind the interval.
     *
     * @param lower   the cross-fitted estimate, at most {@code theta} in expectation
     * @param lowerSe its standard error
     * @param upper   the plug-in TV, at least {@code theta} in expectation
     * @param upperSe its standard error at the observed signs
     */
    record Bracket(double lower, double lowerSe, double upper, double upperSe) {

        static final Bracket NONE = new Bracket(Double.NaN, Double.NaN, Double.NaN, Double.NaN);

        /** {@code max(0, lower - z lowerSe)}. */
        double low() {
            return Math.max(0, lower - Z * lowerSe);
        }

        /** {@code min(1, upper + z upperSe)}. */
        double high() {
            return Math.min(1, upper + Z * upperSe);
        }
    }

    /**
     * The bracket for side a's first {@code nA} trials against side b's first {@code nB} of {@code pool}.
     *
     * @param pool the pooled predictions
     * @param nA   trials of a, {@code 1..pool.trialsA()}
     * @param nB   trials of b, {@code 1..pool.trialsB()}
     * @return the estimates, all NaN when either count is below {@link #MIN_TRIALS}
     */
    static Bracket of(PooledPredictions pool, int nA, int nB) {
        return of(pool, nA, nB, folds(Math.min(nA, nB)), Design.UNPAIRED);
    }

    /**
     * The bracket for the first {@code n} pairs of a paired pool ({@link PooledPredictions#ofPairs}). The estimates
     * are the unpaired ones (a pair's two trials fall in the same fold, since folds go by row); only the standard
     * errors differ: each fold's is that of a mean of within-pair differences of scores, which a positive
     * correlation within pairs makes smaller than the unpaired one, and which a fork makes valid (the pairs, not
     * the trials, are independent).
     */
    static Bracket ofPairs(PooledPredictions pool, int n) {
        return of(pool, n, n, folds(n), Design.PAIRED);
    }

    /** The folds for {@code n} trials per schedule: {@link #FOLDS}, fewer to keep two trials a fold, 0 below 4. */
    static int folds(int n) {
        return n < MIN_TRIALS ? 0 : Math.min(FOLDS, n / 2);
    }

    /** {@link #of(PooledPredictions, int, int)} with {@code folds} folds (2 to {@code min(nA, nB) / 2}). */
    static Bracket of(PooledPredictions pool, int nA, int nB, int folds) {
        return of(pool, nA, nB, folds, Design.UNPAIRED);
    }

    /** The bracket with {@code folds} folds and the standard errors of {@code design}. */
    static Bracket of(PooledPredictions pool, int nA, int nB, int folds, Design design) {
        if (folds < 2 || Math.min(nA, nB) < 2 * folds) {
            return Bracket.NONE;
        }
        double scale = 2.0 * pool.images();
        long[] all = new long[pool.trials()];
        Draws.nested(pool, nA, nB, all);
        boolean paired = design == Design.PAIRED;
        Folds upper = new Folds(pool.signScores(all), pool.trialsA(), nA, nB, 1, scale, paired);
        int offset = pool.trialsA();
        int[] crossFitted = new int[pool.trials()];
        for (int k = 0; k < folds; k++) {
            long[] signs = new long[pool.trials()];
            for (int t = 0; t < nA; t++) {
                signs[t] = t % folds == k ? 0 : PooledPredictions.A;
            }
            for (int t = 0; t < nB; t++) {
                signs[offset + t] = t % folds == k ? 0 : PooledPredictions.B;
            }
            int[] scores = pool.signScores(signs);
            for (int t = k; t < nA; t += folds) {
                crossFitted[t] = scores[t];
            }
            for (int t = k; t < nB; t += folds) {
                crossFitted[offset + t] = scores[offset + t];
            }
        }
        Folds lower = new Folds(crossFitted, offset, nA, nB, folds, scale, paired);
        return new Bracket(lower.mean, lower.se, upper.mean, upper.se);
    }

    /**
     * The mean over folds of the difference between side a's and side b's mean score in the fold, divided by
     * {@code scale}, and a standard error that holds however the folds' estimates are correlated: the mean of
     * the folds' standard errors (the sd of a mean is at most the mean of the sds). Each fold's is that of a
     * difference of two means of independent trials (sample variances, divisor {@code m - 1}), or in a paired
     * design that of the mean of the within-pair differences. Why not treat
     * the folds as independent: one fold's trials set the others' signs, which correlates the folds' estimates
     * positively where the schedules agree, and the benchmark's coverage at true TV 0 fell to 92%.
     */
    private static final class Folds {

        final double mean;
        final double se;

        Folds(int[] scores, int offsetB, int nA, int nB, int folds, double scale, boolean paired) {
            double difference = 0;
            double se = 0;
            for (int k = 0; k < folds; k++) {
                double[] a = fold(scores, 0, nA, folds, k);
                double[] b = fold(scores, offsetB, nB, folds, k);
                difference += a[0] - b[0];
                se += Math.sqrt(paired ? pairedVariance(scores, offsetB, nA, folds, k) : a[1] + b[1]);
            }
            this.mean = difference / folds / scale;
            this.se = se / folds / scale;
        }

        /** The variance of the mean of {@code score_a(t) - score_b(t)} over pairs {@code t < n, t mod folds == k}. */
        private static double pairedVariance(int[] scores, int offsetB, int n, int folds, int k) {
            long sum = 0;
            int m = 0;
            for (int t = k; t < n; t += folds) {
                sum += scores[t] - scores[offsetB + t];
                m++;
            }
            double mean = (double) sum / m;
            double squares = 0;
            for (int t = k; t < n; t += folds) {
                double d = scores[t] - scores[offsetB + t] - mean;
                squares += d * d;
            }
            return squares / (m - 1) / m;
        }

        /** {mean, variance of the mean} of the scores of rows {@code t < n}, {@code t mod folds == k}, after offset. */
        private static double[] fold(int[] scores, int offset, int n, int folds, int k) {
            long sum = 0;
            int m = 0;
            for (int t = k; t < n; t += folds) {
                sum += scores[offset + t];
                m++;
            }
            double mean = (double) sum / m;
            double squares = 0;
            for (int t = k; t < n; t += folds) {
                double d = scores[offset + t] - mean;
                squares += d * d;
            }
            return new double[] {mean, squares / (m - 1) / m};
        }
    }
}
