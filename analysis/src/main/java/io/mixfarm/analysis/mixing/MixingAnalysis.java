package io.mixfarm.analysis.mixing;

import io.mixfarm.analysis.tv.Design;
import io.mixfarm.analysis.tv.PredictionMatrix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A mixing-time study's statistics from its inputs (docs/method.md, "Mixing time"): per intrinsic LR both clocks
 * and the relaxation rate, then the scaling law of each clock. What the jobs side reads from a farm's outputs is
 * {@link Branches}; what it writes is {@link Result}.
 */
public final class MixingAnalysis {

    private final int resamples;
    private final long seed;

    /**
     * @param resamples bootstrap resamples of the pairs, per intrinsic LR
     * @param seed      seed of every draw
     */
    public MixingAnalysis(int resamples, long seed) {
        if (resamples < 0) {
            throw new IllegalArgumentException("resamples must be >= 0, got " + resamples);
        }
        this.resamples = resamples;
        this.seed = seed;
    }

    /**
     * The two branches of one intrinsic LR after the perturbation, at the same record points and over the same
     * pairs (trial k of both branches; diverged or missing trials left out of both).
     *
     * @param lambdaE     the intrinsic LR
     * @param design      how the trials were sampled
     * @param steps       record points, steps after the perturbation, strictly increasing
     * @param perturbed   the perturbed branch's predictions at each point
     * @param reference   the reference branch's, with the same trial ids
     * @param perturbedLr {@code [pair][point]}: the perturbed trial's effective LR {@code eta / ||w||^2}
     * @param referenceLr {@code [pair][point]}: the reference trial's
     */
    public record Branches(double lambdaE, Design design, double[] steps, List<PredictionMatrix> perturbed,
                           List<PredictionMatrix> reference, double[][] perturbedLr, double[][] referenceLr) {

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
            // Each LR's resamples from their own seed: independent across LRs, as the trials are.
            long lrSeed = seed ^ Double.doubleToLongBits(b.lambdaE());
            tmix[i] = TvClock.estimate(b.steps(), b.perturbed(), b.reference(), resamples, lrSeed);
            norm[i] = NormClock.estimate(b.steps(), b.perturbedLr(), b.referenceLr(), resamples, lrSeed);
            BootstrapEstimate rate = Relaxation.estimate(b.steps(), b.perturbedLr(), b.referenceLr(), resamples,
                    lrSeed);
            rows.add(MixingSummaryRow.of(b.lambdaE(), b.design(), b.perturbedLr().length, tmix[i], norm[i], rate));
        }
        List<MixingStudyRow> laws = lambdas.length < 2 ? List.of()
                : List.of(MixingStudyRow.of(Clock.FUNCTION_SPACE, ScalingFit.fit(lambdas, tmix)),
                        MixingStudyRow.of(Clock.NORM, ScalingFit.fit(lambdas, norm)));
        return new Result(List.copyOf(rows), laws);
    }
}
