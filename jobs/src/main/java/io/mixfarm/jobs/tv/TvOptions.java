package io.mixfarm.jobs.tv;

import java.util.List;

/**
 * How the TV job estimates.
 *
 * @param permutations permutations of whole-trial labels for the noise floor and p-values
 * @param resamples    random n-subsets per n for the TV-against-n curve
 * @param ns           trials per schedule to estimate at (empty: powers of two up to the trials available)
 * @param nEpochs      record epochs at which to compute the TV-against-n curve (empty: {@link CurveEpochs}'
 *                     default, the last record epoch of each phase of the schedules and the last record epoch)
 */
public record TvOptions(int permutations, int resamples, List<Integer> ns, List<Integer> nEpochs)
        implements java.io.Serializable {

    /** 200 permutations, 20 random subsets per n, default n and n-curve epochs. */
    public static final TvOptions DEFAULT = new TvOptions(200, 20, List.of());

    public TvOptions {
        ns = List.copyOf(ns);
        nEpochs = List.copyOf(nEpochs);
        if (permutations < 1 || resamples < 1) {
            throw new IllegalArgumentException("permutations and resamples must be >= 1");
        }
        for (int n : ns) {
            if (n < 1) {
                throw new IllegalArgumentException("--n values must be >= 1, got " + n);
            }
        }
    }

    /** Options with the default n-curve epochs. */
    public TvOptions(int permutations, int resamples, List<Integer> ns) {
        this(permutations, resamples, ns, List.of());
    }
}
