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

    /**
     * How many training batches precise BN measures on, of a training set of {@code trainCount} images in batches of
     * {@code batchSize}: {@code requested} full batches, or as many as the set holds if fewer; the one short batch of
     * all of it if it is smaller than one batch. The one rule, for the trial runner and for cost estimates.
     */
    public static int statisticsBatches(int requested, int trainCount, int batchSize) {
        if (trainCount < batchSize) {
            return Math.min(requested, trainCount > 0 ? 1 : 0);
        }
        return Math.min(requested, trainCount / batchSize);
    }

    /**
     * The training images one evaluation passes forward in training mode to measure BN's population statistics
     * ({@link #statisticsBatches}' batches): none with {@link BnEval#RUNNING}.
     */
    public long statisticsImages(int trainCount, int batchSize) {
        if (bn == BnEval.RUNNING) {
            return 0;
        }
        return (long) statisticsBatches(bnBatches, trainCount, batchSize) * Math.min(batchSize, trainCount);
    }
}
