package io.mixfarm.analysis.tv;

import java.util.SplittableRandom;

/**
 * Random generators addressed by (estimator seed, what is drawn, which summary row, resample index).
 *
 * <p>Why not {@code root.split()} per resample: a sequence of splits depends on the order in which resamples
 * run, so results would depend on the thread count. Here each resample's generator is a pure function of its
 * address. The address is mixed with the SplitMix64 finaliser, and the generator is a {@code split()} of a
 * generator seeded with it, so each gets its own gamma and streams of nearby addresses do not overlap shifted.
 */
final class TaskSeeds {

    /** Random n-subsets of each schedule's trials (tvRandomMean, tvRandomSd). */
    static final int SUBSETS = 1;
    /** Whole-trial relabellings of the pooled trials (the permutation null). */
    static final int NULL = 2;
    /** Random n-subsets of pairs (the paired design's tvRandomMean, tvRandomSd). */
    static final int PAIR_SUBSETS = 3;
    /** Within-pair swaps (the paired permutation null). */
    static final int PAIR_NULL = 4;
    /** Resamples of pairs with replacement (the paired bootstrap). */
    static final int PAIR_BOOTSTRAP = 5;
    /** Trials drawn from a pilot's class frequencies ({@link FloorProjection}). */
    static final int SIMULATED_TRIALS = 6;

    private static final long GOLDEN_GAMMA = 0x9E37_79B9_7F4A_7C15L;

    private TaskSeeds() {
    }

    /**
     * The key of one stream of resamples.
     *
     * @param seed    the estimator's seed
     * @param purpose {@link #SUBSETS}, {@link #NULL}, {@link #PAIR_SUBSETS}, {@link #PAIR_NULL},
     *                {@link #PAIR_BOOTSTRAP} or {@link #SIMULATED_TRIALS}
     * @param epoch   record epoch of the row
     * @param a       first schedule of the row
     * @param b       second schedule of the row
     * @param groupA  trials per draw on side a (so each n of a TV-against-n curve draws afresh)
     * @param groupB  trials per draw on side b
     * @return the stream key
     */
    static long streamKey(long seed, int purpose, int epoch, String a, String b, int groupA, int groupB) {
        // String.hashCode is specified by the JLS, so keys are the same on every JVM.
        long h = mix(seed);
        h = mix(h ^ purpose);
        h = mix(h ^ epoch);
        h = mix(h ^ a.hashCode());
        h = mix(h ^ b.hashCode());
        h = mix(h ^ groupA);
        return mix(h ^ ((long) groupB << 32));
    }

    /** The generator of resample {@code index} of the stream {@code key}. */
    static SplittableRandom forTask(long key, int index) {
        return new SplittableRandom(mix(key + GOLDEN_GAMMA * (index + 1L))).split();
    }

    /** The SplitMix64 finaliser (Stafford's variant 13): a bijection that scrambles every bit. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }
}
