package io.mixfarm.analysis.tv;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Every candidate 95% interval for the mean TV that the coverage benchmark ({@link TvCoverageBenchmark})
 * compares, computed from one pair of prediction matrices. The job's own interval is {@link TvBracket}; the
 * others live here, beside the benchmark, because only it needs them.
 *
 * <p>Bootstrap candidates share one set of resamples of whole trials ({@link #bootstrap}); on each resample
 * we evaluate the plug-in {@code tv*}, the per-image bias-corrected {@code mm*} and the influence standard error
 * {@code se*} of the plug-in. Quantiles are type 7 (Hyndman and Fan's; R's default).
 */
final class IntervalCandidates {

    /** The lower and upper tail of a two-sided 95% interval. */
    static final double ALPHA = 0.025;
    /**
     * Resamples behind the studentised interval and the job's old basic interval: each studentised resample also
     * computes its own standard error, which triples its cost, so the benchmark affords only these.
     */
    static final int FEW = 200;
    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

    private IntervalCandidates() {
    }

    /** One interval. */
    record Interval(double low, double high) {
        boolean covers(double truth) {
            return low <= truth && truth <= high;
        }

        double width() {
            return high - low;
        }

        static Interval clamped(double low, double high) {
            return new Interval(Math.max(0, low), Math.min(1, high));
        }
    }

    /**
     * The candidates for side a's and side b's trials pooled in {@code pool} (all of them), named as in the
     * benchmark's table, in the table's order.
     *
     * @param pool       the two schedules' trials
     * @param nullMean   the permutation noise floor's mean (for {@code corrected_tv})
     * @param bootstraps resamples behind the bootstrap candidates; {@code basic@200} and {@code studentised@200}
     *                   use the first {@value #FEW} of them
     * @param seed       seed of the resamples
     * @return name to interval
     */
    static Map<String, Interval> all(PooledPredictions pool, double nullMean, int bootstraps, long seed) {
        int nA = pool.trialsA();
        int nB = pool.trialsB();
        long[] observed = new long[pool.trials()];
        Draws.nested(pool, nA, nB, observed);
        Statistics obs = Statistics.of(pool, observed, true);
        double[] tvStar = new double[bootstraps];
        double[] mmStar = new double[bootstraps];
        double[] tStar = new double[Math.min(FEW, bootstraps)];
        SplittableRandom root = new SplittableRandom(seed);
        long[] weights = new long[pool.trials()];
        for (int r = 0; r < bootstraps; r++) {
            Arrays.fill(weights, 0L);
            bootstrap(pool, root.split(), weights);
            Statistics s = Statistics.of(pool, weights, r < tStar.length);
            tvStar[r] = s.tv;
            mmStar[r] = s.mm;
            if (r < tStar.length) {
                tStar[r] = (s.tv - obs.tv) / s.se;
            }
        }
        double[] sortedTv = sorted(tvStar);
        double[] sortedMm = sorted(mmStar);
        double[] sortedT = sorted(tStar);
        double[] first200 = sorted(Arrays.copyOf(tvStar, Math.min(FEW, bootstraps)));

        Map<String, Interval> out = new LinkedHashMap<>();
        out.put("basic@200", basic(obs.tv, first200));
        out.put("basic", basic(obs.tv, sortedTv));
        out.put("percentile", new Interval(quantile(sortedTv, ALPHA), quantile(sortedTv, 1 - ALPHA)));
        out.put("bca", bca(obs.tv, sortedTv, acceleration(pool, observed)));
        out.put("studentised@200", Interval.clamped(obs.tv - quantile(sortedT, 1 - ALPHA) * obs.se,
                obs.tv - quantile(sortedT, ALPHA) * obs.se));
        double corrected = obs.tv - nullMean;
        double median = quantile(sortedTv, 0.5);
        out.put("corrected", Interval.clamped(corrected - (quantile(sortedTv, 1 - ALPHA) - median),
                corrected + (median - quantile(sortedTv, ALPHA))));
        out.put("mm-basic", basic(obs.mm, sortedMm));
        out.put("mm-percentile", Interval.clamped(quantile(sortedMm, ALPHA), quantile(sortedMm, 1 - ALPHA)));
        for (int folds : new int[] {2, 5}) {
            TvBracket.Bracket bracket = TvBracket.of(pool, nA, nB, Math.min(folds, Math.min(nA, nB) / 2));
            out.put("bracket-" + folds + "folds", new Interval(bracket.low(), bracket.high()));
        }
        return out;
    }

    /**
     * A bootstrap resample: as many draws with replacement from side a's trials into group A as a has, the same
     * for b into group B.
     */
    static void bootstrap(PooledPredictions pool, SplittableRandom rng, long[] weights) {
        int nA = pool.trialsA();
        int nB = pool.trialsB();
        for (int k = 0; k < nA; k++) {
            weights[rng.nextInt(nA)] += PooledPredictions.A;
        }
        for (int k = 0; k < nB; k++) {
            weights[nA + rng.nextInt(nB)] += PooledPredictions.B;
        }
    }

    /** The basic (reverse-percentile) interval {@code [2 t - q97.5, 2 t - q2.5]}, clamped to [0, 1]. */
    static Interval basic(double t, double[] sorted) {
        return Interval.clamped(2 * t - quantile(sorted, 1 - ALPHA), 2 * t - quantile(sorted, ALPHA));
    }

    /**
     * Efron's BCa interval: the bootstrap quantiles at {@code Phi(z0 + (z0 + z) / (1 - a (z0 + z)))} for
     * {@code z = z_alpha, z_(1-alpha)}, with {@code z0 = Phi^-1(share of resamples below t, ties counted half)},
     * the share kept within {@code [1/(2B), 1 - 1/(2B)]} so that z0 stays finite.
     */
    static Interval bca(double t, double[] sorted, double a) {
        int below = 0;
        int ties = 0;
        for (double v : sorted) {
            below += v < t ? 1 : 0;
            ties += v == t ? 1 : 0;
        }
        double b = sorted.length;
        double share = Math.min(1 - 0.5 / b, Math.max(0.5 / b, (below + 0.5 * ties) / b));
        double z0 = Normal.quantile(share);
        double lowZ = z0 + Normal.quantile(ALPHA);
        double highZ = z0 + Normal.quantile(1 - ALPHA);
        double low = Normal.cdf(z0 + lowZ / (1 - a * lowZ));
        double high = Normal.cdf(z0 + highZ / (1 - a * highZ));
        return Interval.clamped(quantile(sorted, low), quantile(sorted, high));
    }

    /**
     * BCa's acceleration of the plug-in from its empirical influence values (the infinitesimal jackknife): for a
     * two-sample statistic, {@code a = sum_k sum_i U_ki^3 / n_k^3 / (6 (sum_k sum_i U_ki^2 / n_k^2)^(3/2))}
     * (Efron and Tibshirani, 1993, eq. 14.15 and its multi-sample form), where {@code U_ai = f_i - mean_a f} and
     * {@code U_bj = -(f_j - mean_b f)} with {@code f} the per-trial sign scores of the observed data (the plug-in
     * is {@code (mean_a f - mean_b f) / (2 images)}, so these are its influence values up to a common factor,
     * which cancels).
     */
    static double acceleration(PooledPredictions pool, long[] weights) {
        int[] f = pool.signScores(weights);
        double[] cubes = new double[2];
        double[] squares = new double[2];
        for (int side = 0; side < 2; side++) {
            int from = side == 0 ? 0 : pool.trialsA();
            int to = side == 0 ? pool.trialsA() : pool.trials();
            double n = to - from;
            double mean = 0;
            for (int t = from; t < to; t++) {
                mean += f[t];
            }
            mean /= n;
            double sign = side == 0 ? 1 : -1;
            for (int t = from; t < to; t++) {
                double u = sign * (f[t] - mean);
                cubes[side] += u * u * u / (n * n * n);
                squares[side] += u * u / (n * n);
            }
        }
        double spread = squares[0] + squares[1];
        return spread == 0 ? 0 : (cubes[0] + cubes[1]) / (6 * Math.pow(spread, 1.5));
    }

    /** The q-quantile of sorted values, type 7. */
    static double quantile(double[] sorted, double q) {
        double position = q * (sorted.length - 1);
        int low = (int) Math.floor(position);
        int high = Math.min(low + 1, sorted.length - 1);
        return sorted[low] + (position - low) * (sorted[high] - sorted[low]);
    }

    private static double[] sorted(double[] values) {
        double[] copy = values.clone();
        Arrays.sort(copy);
        return copy;
    }

    /**
     * The statistics of one weighting: the plug-in mean TV, the Miller-Madow-style per-image corrected
     * {@code mm = mean_x (TV_x - 1/2 sqrt(2/pi) sum_c sqrt(pbar_c (1 - pbar_c) (1/W_A + 1/W_B)))} (the normal
     * approximation of the plug-in's expectation where both groups share the pooled frequencies {@code pbar}),
     * and (when asked: it costs twice the rest) the plug-in's influence standard error with multiplicities as
     * weights.
     */
    record Statistics(double tv, double mm, double se) {

        static Statistics of(PooledPredictions pool, long[] weights, boolean withSe) {
            double[] sums = new double[2];
            pool.forEachImage(weights, (image, counts, present, wA, wB) -> {
                long numerator = 0;
                double correction = 0;
                double total = wA + wB;
                double spread = 1.0 / wA + 1.0 / wB;
                for (int c = 0; c < present; c++) {
                    long kA = counts[c] & 0xFFFF_FFFFL;
                    long kB = counts[c] >>> 32;
                    numerator += Math.abs(kA * wB - kB * wA);
                    double pooled = (kA + kB) / total;
                    correction += Math.sqrt(pooled * (1 - pooled) * spread);
                }
                sums[0] += numerator / (2.0 * wA * wB);
                sums[1] += 0.5 * SQRT_2_OVER_PI * correction;
            });
            int images = pool.images();
            return new Statistics(sums[0] / images, (sums[0] - sums[1]) / images,
                    withSe ? se(pool, weights) : Double.NaN);
        }

        /** {@code sqrt(var_A(f) / W_A + var_B(f) / W_B) / (2 images)}, multiplicity-weighted, divisor W - 1. */
        private static double se(PooledPredictions pool, long[] weights) {
            int[] f = pool.signScores(weights);
            double variance = 0;
            for (int side = 0; side < 2; side++) {
                int shift = side == 0 ? 0 : 32;
                double w = 0;
                double sum = 0;
                for (int t = 0; t < f.length; t++) {
                    long m = (weights[t] >>> shift) & 0xFFFF_FFFFL;
                    w += m;
                    sum += m * (double) f[t];
                }
                double mean = sum / w;
                double squares = 0;
                for (int t = 0; t < f.length; t++) {
                    long m = (weights[t] >>> shift) & 0xFFFF_FFFFL;
                    double d = f[t] - mean;
                    squares += m * d * d;
                }
                variance += squares / (w - 1) / w;
            }
            return Math.sqrt(variance) / (2.0 * pool.images());
        }
    }

    /** The standard normal distribution's cdf and quantile, as BCa needs them. */
    static final class Normal {

        private Normal() {
        }

        /** {@code Phi(x)} via the complementary error function (absolute error below 1.2e-7). */
        static double cdf(double x) {
            return 0.5 * erfc(-x / Math.sqrt(2));
        }

        /** {@code Phi^-1(p)}: Acklam's rational approximation (relative error below 1.15e-9), p in (0, 1). */
        static double quantile(double p) {
            if (!(p > 0 && p < 1)) {
                throw new IllegalArgumentException("p must be in (0, 1), got " + p);
            }
            double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
            double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                6.680131188771972e+01, -1.328068155288572e+01};
            double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
            double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                3.754408661907416e+00};
            double low = 0.02425;
            if (p < low) {
                double q = Math.sqrt(-2 * Math.log(p));
                return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                        / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
            }
            if (p > 1 - low) {
                return -quantile(1 - p);
            }
            double q = p - 0.5;
            double r = q * q;
            return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                    / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
        }

        /** Numerical Recipes' Chebyshev fit of erfc. */
        private static double erfc(double x) {
            double z = Math.abs(x);
            double t = 1 / (1 + 0.5 * z);
            double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                    + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                    + t * (-0.82215223 + t * 0.17087277)))))))));
            return x >= 0 ? r : 2 - r;
        }
    }
}
