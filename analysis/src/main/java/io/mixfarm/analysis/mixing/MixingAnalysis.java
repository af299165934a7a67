package io.mixfarm.analysis.mixing;

import io.mixfarm.analysis.tv.Design;
import io.mixfarm.analysis.tv.PredictionMatrix;
import io.mixfarm.analysis.tv.TvSummaryRow;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleToLongFunction;

/**
 * A mixing-time study's statistics from its inputs (docs/method.md, "Mixing time"): per intrinsic LR both clocks,
 * the relaxation rate and the {@link Equilibrium} check, then the scaling law of each clock. What the jobs side reads
 * from a farm's outputs is {@link Branches}; what it writes is {@link Result}.
 */
public final class MixingAnalysis {

    private final int resamples;
    private final DoubleToLongFunction seeds;

    /**
     * @param resamples bootstrap resamples of the pairs per intrinsic LR, and swaps of the equilibrium check's null
     * @param seeds     the seed of every draw of an intrinsic LR, from the LR: each LR's draws are its own, as its
     *                  trials are (the jobs side derives them from the experiment seed)
     */
    public MixingAnalysis(int resamples, DoubleToLongFunction seeds) {
        if (resamples < 0) {
            throw new IllegalArgumentException("resamples must be >= 0, got " + resamples);
        }
        this.resamples = resamples;
        this.seeds = seeds;
    }

    /**
     * The two branches of one intrinsic LR after the perturbation, at the same record points and over the same
     * pairs (trial k of both branches; diverged or missing trials left out of both).
     *
     * @param lambdaE     the intrinsic LR
     * @param design      how the trials were sampled
     * @param steps       record points, steps after the perturbation, strictly increasing; a first point at 0 is
     *                    the end of the prefix, the last before the perturbation
     * @param perturbed   the perturbed branch's predictions at each point
     * @param reference   the reference branch's, with the same trial ids
     * @param perturbedLr {@code [pair][point]}: the perturbed trial's effective LR {@code eta / ||w||^2}
     * @param referenceLr {@code [pair][point]}: the reference trial's
     * @param atPrefix    the reference trials' predictions at the end of the prefix, for the {@link Equilibrium}
     *                    check; null if not recorded (then the check is NaN)
     * @param atEnd       the same trials' at the end of training; null if not recorded
     * @param lastEpoch   the last epoch of training
     */
    public record Branches(double lambdaE, Design design, double[] steps, List<PredictionMatrix> perturbed,
                           List<PredictionMatrix> reference, double[][] perturbedLr, double[][] referenceLr,
                           PredictionMatrix atPrefix, PredictionMatrix atEnd, int lastEpoch) {

        /** Branches without the equilibrium check's inputs (it is NaN). */
        public Branches(double lambdaE, Design design, double[] steps, List<PredictionMatrix> perturbed,
                        List<PredictionMatrix> reference, double[][] perturbedLr, double[][] referenceLr) {
            this(lambdaE, design, steps, perturbed, reference, perturbedLr, referenceLr, null, null, 0);
        }

        /** Copies the lists (the arrays are read, never written) and checks that both measures have the same pairs. */
        public Branches {
            if (design == null) {
                throw new IllegalArgumentException("design must not be null");
            }
            perturbed = List.copyOf(perturbed);
            reference = List.copyOf(reference);
            if (!perturbed.isEmpty() && perturbed.get(0).trials() != perturbedLr.length) {
                throw new IllegalArgumentException("lambda_e " + lambdaE + ": " + perturbed.get(0).trials()
                        + " pairs of predictions but " + perturbedLr.length + " of effective LRs");
            }
        }
    }

    /**
     * A study's result.
     *
     * @param rows one per intrinsic LR, in the input's order
     * @param laws one per clock (empty below 2 intrinsic LRs)
     */
    public record Result(List<MixingSummaryRow> rows, List<MixingStudyRow> laws) {
    }

    /**
     * Runs the study's statistics.
     *
     * @param study one entry per intrinsic LR, distinct LRs
     * @return the rows and the scaling laws
     */
    public Result run(List<Branches> study) {
        double[] lambdas = study.stream().mapToDouble(Branches::lambdaE).toArray();
        if (Arrays.stream(lambdas).distinct().count() != lambdas.length) {
            throw new IllegalArgumentException("intrinsic LRs must be distinct, got " + Arrays.toString(lambdas));
        }
        List<MixingSummaryRow> rows = new ArrayList<>();
        BootstrapEstimate[] tmix = new BootstrapEstimate[study.size()];
        BootstrapEstimate[] norm = new BootstrapEstimate[study.size()];
        for (int i = 0; i < study.size(); i++) {
            Branches b = study.get(i);
            long lrSeed = seeds.applyAsLong(b.lambdaE());
            tmix[i] = TvClock.estimate(b.steps(), b.perturbed(), b.reference(), resamples, lrSeed);
            // The effective-LR clocks start after the perturbation: at t = 0, the end of the prefix, both branches
            // still have the prefix's eta, so there is nothing yet to relax (and the relaxation's gap would be 0).
            int from = b.steps()[0] <= 0 ? 1 : 0;
            double[] after = Arrays.copyOfRange(b.steps(), from, b.steps().length);
            double[][] perturbedLr = tail(b.perturbedLr(), from);
            double[][] referenceLr = tail(b.referenceLr(), from);
            norm[i] = NormClock.estimate(after, perturbedLr, referenceLr, resamples, lrSeed);
            BootstrapEstimate rate = Relaxation.estimate(after, perturbedLr, referenceLr, resamples, lrSeed);
            TvSummaryRow equilibrium = b.atPrefix() == null || b.atEnd() == null ? null
                    : Equilibrium.estimate(b.atPrefix(), b.atEnd(), b.lastEpoch(), resamples, lrSeed);
            rows.add(MixingSummaryRow.of(b.lambdaE(), b.design(), b.perturbedLr().length, tmix[i], norm[i], rate,
                    equilibrium));
        }
        List<MixingStudyRow> laws = lambdas.length < 2 ? List.of()
                : List.of(MixingStudyRow.of(Clock.FUNCTION_SPACE, ScalingFit.fit(lambdas, tmix)),
                        MixingStudyRow.of(Clock.NORM, ScalingFit.fit(lambdas, norm)));
        return new Result(List.copyOf(rows), laws);
    }

    /** Each pair's series from point {@code from} on. */
    private static double[][] tail(double[][] series, int from) {
        double[][] out = new double[series.length][];
        for (int k = 0; k < series.length; k++) {
            out[k] = Arrays.copyOfRange(series[k], from, series[k].length);
        }
        return out;
    }
}
