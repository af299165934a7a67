package io.mixfarm.analysis.tv;

import java.util.SplittableRandom;

/**
 * The weightings of pooled trials that the estimator evaluates (see {@link PooledPredictions} for the packed
 * weights). Each fills a zeroed {@code weights} array from one generator; {@code scratch} is a work buffer of
 * the pooled trial count, reset here, so a draw depends on its generator alone and not on earlier draws that
 * used the same buffers.
 */
final class Draws {

    private Draws() {
    }

    /** Side a's first {@code n} trials in group A and side b's first {@code n} in group B (by trial id). */
    static void nested(PooledPredictions pool, int nA, int nB, long[] weights) {
        for (int k = 0; k < nA; k++) {
            weights[k] += PooledPredictions.A;
        }
        for (int k = 0; k < nB; k++) {
            weights[pool.trialsA() + k] += PooledPredictions.B;
        }
    }

    /** {@code n} trials of side a drawn without replacement into group A, {@code n} of side b into group B. */
    static void subsets(PooledPredictions pool, int n, SplittableRandom rng, long[] weights, int[] scratch) {
        identity(scratch);
        int split = pool.trialsA();
        partialShuffle(scratch, 0, split, n, rng);
        partialShuffle(scratch, split, pool.trials(), n, rng);
        for (int k = 0; k < n; k++) {
            weights[scratch[k]] += PooledPredictions.A;
            weights[scratch[split + k]] += PooledPredictions.B;
        }
    }

    /**
     * Two disjoint random groups of whole pooled trials, of sizes {@code groupA} and {@code groupB}, whatever
     * schedule they came from: the relabelling under which both schedules are one distribution.
     */
    static void relabel(PooledPredictions pool, int groupA, int groupB, SplittableRandom rng, long[] weights,
                        int[] scratch) {
        identity(scratch);
        partialShuffle(scratch, 0, pool.trials(), groupA + groupB, rng);
        for (int k = 0; k < groupA; k++) {
            weights[scratch[k]] += PooledPredictions.A;
        }
        for (int k = groupA; k < groupA + groupB; k++) {
            weights[scratch[k]] += PooledPredictions.B;
        }
    }

    /**
     * The paired null: each pair {@code k < n} (pooled trials {@code k} and {@code trialsA + k}, see
     * {@link PooledPredictions#ofPairs}) sends its two trials to groups A and B in a random order, independently
     * of every other pair. Under the null both branches of a pair are exchangeable, so this is the relabelling
     * that keeps the pairs' shared prefix.
     */
    static void swapPairs(PooledPredictions pool, int n, SplittableRandom rng, long[] weights) {
        int offset = pool.trialsA();
        for (int k = 0; k < n; k++) {
            boolean swap = rng.nextBoolean();
            weights[k] += swap ? PooledPredictions.B : PooledPredictions.A;
            weights[offset + k] += swap ? PooledPredictions.A : PooledPredictions.B;
        }
    }

    /** {@code n} pairs drawn without replacement, each keeping its branches on their sides. */
    static void pairSubsets(PooledPredictions pool, int n, SplittableRandom rng, long[] weights, int[] scratch) {
        identity(scratch);
        int offset = pool.trialsA();
        partialShuffle(scratch, 0, offset, n, rng);
        for (int k = 0; k < n; k++) {
            weights[scratch[k]] += PooledPredictions.A;
            weights[offset + scratch[k]] += PooledPredictions.B;
        }
    }

    private static void identity(int[] scratch) {
        for (int t = 0; t < scratch.length; t++) {
            scratch[t] = t;
        }
    }

    /** Moves a uniform random k-subset of {@code values[from..to-1]} to {@code values[from..from+k-1]}. */
    private static void partialShuffle(int[] values, int from, int to, int k, SplittableRandom rng) {
        for (int j = from; j < from + k; j++) {
            int pick = j + rng.nextInt(to - j);
            int v = values[j];
            values[j] = values[pick];
            values[pick] = v;
        }
    }
}
