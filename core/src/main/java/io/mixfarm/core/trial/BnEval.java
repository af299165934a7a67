package io.mixfarm.core.trial;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Which statistics BatchNorm normalises with when a trial evaluates on the test set (docs/method.md, "Evaluation").
 * Training is the same in both modes, bit for bit: only the test loss, test error and recorded predictions differ.
 */
public enum BnEval {
    /** BN's running averages, as training left them: DL4J's (and PyTorch's) inference mode; the paper's. */
    RUNNING("running"),
    /**
     * "Precise BN": population statistics measured through the current weights on a fixed set of training batches
     * just before the evaluation, used for it and then discarded; what the current weights compute.
     */
    RECOMPUTED("recomputed");

    private final String label;

    BnEval(String label) {
        this.label = label;
    }

    /** The value as configs and outputs write it. */
    public String label() {
        return label;
    }

    /** Parses a label, case-insensitively; an unknown one is one line naming the known ones. */
    public static BnEval parse(String label) {
        return Arrays.stream(values()).filter(v -> v.label.equals(label.strip().toLowerCase(Locale.ROOT)))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("unknown BN evaluation mode \"" + label
                        + "\"; known: " + Arrays.stream(values()).map(BnEval::label)
                        .collect(Collectors.joining(", "))));
    }
}
