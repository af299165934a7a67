package io.mixfarm.core.trial;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The trial's minibatch order: a fresh permutation of the training set every epoch, drawn from the trial seed,
 * cut into batches of {@code batchSize} (the last batch takes the remainder, as PyTorch's default loader does).
 * Public so that the benchmarks draw their batches as trials do.
 */
public final class MinibatchOrder {

    private final int count;
    private final int batchSize;
    private final SplittableRandom random;

    public MinibatchOrder(int count, int batchSize, long seed) {
        this.count = count;
        this.batchSize = batchSize;
        this.random = new SplittableRandom(seed);
    }

    /** SGD steps in one epoch: batches of {@code batchSize}, the last one possibly smaller. */
    public int stepsPerEpoch() {
        return stepsPerEpoch(count, batchSize);
    }

    /** SGD steps in one epoch over {@code count} training images: the one rule, also for cost estimates. */
    public static int stepsPerEpoch(int count, int batchSize) {
        return (count + batchSize - 1) / batchSize;
    }

    /** The next epoch's batches. */
    public List<int[]> nextEpoch() {
        int[] order = new int[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        for (int i = count - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        List<int[]> batches = new ArrayList<>(stepsPerEpoch());
        for (int from = 0; from < count; from += batchSize) {
            int[] batch = new int[Math.min(batchSize, count - from)];
            System.arraycopy(order, from, batch, 0, batch.length);
            batches.add(batch);
        }
        return batches;
    }
}
