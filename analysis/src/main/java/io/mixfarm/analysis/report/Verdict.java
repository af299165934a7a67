package io.mixfarm.analysis.report;

/** What the report says of a pair of schedules at one record epoch, from its all-trials p-value. */
enum Verdict {

    /** p below {@link #LEVEL}: the two schedules' predictions differ by more than their noise floor. */
    SEPARATED("separated"),
    /** p at or above {@link #LEVEL}: indistinguishable from two samples of one distribution, at this many trials. */
    ON_THE_FLOOR("on the floor"),
    /** No permutations were run, so there is no p-value. */
    NOT_TESTED("not tested");

    /** The level the report's wording uses. */
    static final double LEVEL = 0.05;

    private final String words;

    Verdict(String words) {
        this.words = words;
    }

    /** The verdict for a p-value; NaN (no permutations) gives {@link #NOT_TESTED}. */
    static Verdict of(double p) {
        if (Double.isNaN(p)) {
            return NOT_TESTED;
        }
        return p < LEVEL ? SEPARATED : ON_THE_FLOOR;
    }

    /** The words the report prints. */
    String words() {
        return words;
    }
}
