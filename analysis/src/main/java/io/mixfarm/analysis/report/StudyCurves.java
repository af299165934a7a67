package io.mixfarm.analysis.report;

import io.mixfarm.analysis.mixing.Perturbation;
import io.mixfarm.analysis.tv.TvSummaryRow;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the report needs to draw a mixing-time study's TV curves (docs/method.md, "Mixing-time study"): per intrinsic
 * LR its reference and perturbed schedules, and where the perturbation falls on the step axis. The curves themselves
 * are {@code tv_summary}'s all-trials rows of each (reference, perturbed) pair.
 *
 * @param branches     one per intrinsic LR, in the study's order
 * @param perturbation where the perturbation falls: after epoch {@code T0}, at step {@code T0 * S}
 */
public record StudyCurves(List<Branch> branches, Perturbation perturbation) {

    /**
     * One intrinsic LR's two schedules.
     *
     * @param lambdaE   the intrinsic learning rate
     * @param reference the reference schedule, {@code R-l}
     * @param perturbed the perturbed schedule, {@code P-l}
     */
    public record Branch(double lambdaE, String reference, String perturbed) {

        public Branch {
            Objects.requireNonNull(reference, "reference");
            Objects.requireNonNull(perturbed, "perturbed");
        }

        /** Whether a {@code tv_summary} row compares this branch's two schedules, in either order. */
        boolean compares(TvSummaryRow row) {
            return row.a().equals(reference) && row.b().equals(perturbed)
                    || row.a().equals(perturbed) && row.b().equals(reference);
        }
    }

    public StudyCurves {
        branches = List.copyOf(branches);
        Objects.requireNonNull(perturbation, "perturbation");
    }

    /**
     * A row's SGD steps after the perturbation ({@link Perturbation#stepsAfter}); in a folder written before record
     * points had steps ({@code step} null) its point is the end of its epoch, step {@code epoch * S}.
     */
    double stepsAfter(TvSummaryRow row) {
        long step = row.step() != null ? row.step() : (long) row.epoch() * perturbation.stepsPerEpoch();
        return perturbation.stepsAfter(step);
    }

    /**
     * One branch's curve: the all-trials rows of its pair at every record point from the perturbation on (t = 0 is
     * the last point before it, where the perturbed schedule has not left the reference yet), ascending.
     *
     * @param byPair the all-trials rows per pair ({@link TvRows#allTrialsByEpoch})
     */
    List<TvSummaryRow> curve(Map<String, List<TvSummaryRow>> byPair, Branch branch) {
        return byPair.values().stream().flatMap(List::stream)
                .filter(r -> branch.compares(r) && stepsAfter(r) >= 0).toList();
    }
}
