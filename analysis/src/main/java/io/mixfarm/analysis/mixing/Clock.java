package io.mixfarm.analysis.mixing;

/** What a mixing time is read from: the two clocks of the study (docs/method.md, "Mixing time"). */
public enum Clock {
    /** The bias-corrected TV between the branches' predictions ({@link TvClock}). */
    FUNCTION_SPACE("function-space"),
    /** The effective LR {@code eta / ||w||^2} of the perturbed branch against the reference's ({@link NormClock}). */
    NORM("norm");

    private final String label;

    Clock(String label) {
        this.label = label;
    }

    /** The clock's name in outputs and charts. */
    public String label() {
        return label;
    }
}
