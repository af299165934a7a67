package io.mixfarm.analysis.report;

import io.mixfarm.analysis.tv.TvSummaryRow;

/** What the report says of a pair at a record epoch: read from the Holm-adjusted p-value of its all-trials row. */
enum Verdict {
    /** The TV is above the noise floor, by a test that holds for the whole run's family of comparisons. */
    SEPARATED("separated"),
    /** The TV cannot be told from the noise floor: what two schedules that have mixed look like. */
    ON_THE_FLOOR("on the floor"),
    /** No permutations were run, so there is no p-value. */
    NOT_TESTED("not tested");

    /** The family-wise error rate the verdicts hold at. */
    static final double ALPHA = 0.05;

    private final String label;

    Verdict(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    /** The verdict of an all-trials row; {@code null} for rows at other n, which are a curve, not tests. */
    static Verdict of(TvSummaryRow row) {
        if (!row.allTrials()) {
            return null;
        }
        if (Double.isNaN(row.pHolm())) {
            return NOT_TESTED;
        }
        return row.pHolm() < ALPHA ? SEPARATED : ON_THE_FLOOR;
    }
}
