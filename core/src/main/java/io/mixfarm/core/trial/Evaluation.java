package io.mixfarm.core.trial;

/**
 * How a trial evaluates on the test set after each epoch. It never changes training: a trial's weights, running
 * statistics, updater state and random streams are the same whatever it says.
 *
 * @param bn        which statistics BN normalises with during the evaluation
 * @param bnBatches with {@link BnEval#RECOMPUTED}, how many training batches (of the trial's batch size) the
 *                  population statistics are measured on, at least 1; the training set's full batches if it has
 *                  fewer. Ignored with {@link BnEval#RUNNING}
 */
public record Evaluation(BnEval bn, int bnBatches) {

    /** BN's running averages: the paper's evaluation, and what a spec built without an evaluation gets. */
    public static final Evaluation RUNNING = new Evaluation(BnEval.RUNNING, 0);

    public Evaluation {
        if (bn == null) {
            throw new IllegalArgumentException("the BN evaluation mode must be given");
        }
        if (bn == BnEval.RECOMPUTED ? bnBatches < 1 : bnBatches < 0) {
            throw new IllegalArgumentException("BN statistics batches must be >= " + (bn == BnEval.RECOMPUTED ? 1 : 0)
                    + ", got " + bnBatches);
        }
    }

    /**
     * One phrase for people, as the dry-run and {@code mixfarm trial} print it, e.g. {@code bn-eval recomputed (BN
     * statistics from 16 training batches)}.
     */
    public String describe() {
        return "bn-eval " + bn.label() + (bn == BnEval.RECOMPUTED
                ? " (BN statistics from " + bnBatches + " training batches)" : "");
    }

    /** Precise BN on {@code batches} training batches. */
    public static Evaluation recomputed(int batches) {
        return new Evaluation(BnEval.RECOMPUTED, batches);
    }
}
