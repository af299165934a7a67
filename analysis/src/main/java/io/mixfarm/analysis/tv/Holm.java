package io.mixfarm.analysis.tv;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Holm's step-down adjustment of p-values for testing many hypotheses at once (Holm 1979, "A simple sequentially
 * rejective multiple test procedure"): it controls the family-wise error rate, the chance of calling even one
 * true null "separated", under any dependence between the tests, which matters here because a run's comparisons
 * share schedules and trials.
 *
 * <p>With the m finite p-values sorted ascending, {@code p(1) <= ... <= p(m)}, the adjusted value of {@code p(i)} is
 * {@code max over j <= i of min(1, (m - j + 1) p(j))}. Rejecting where the adjusted value is below alpha is Holm's
 * procedure at level alpha.
 */
public final class Holm {

    private Holm() {
    }

    /**
     * The Holm-adjusted p-values, in the order of {@code pValues}. A NaN (a p-value that was not computed) stays NaN
     * and does not count towards m.
     *
     * @param pValues p-values in [0, 1], or NaN
     * @return adjusted p-values, each at least its input, at most 1
     */
    public static double[] adjust(double[] pValues) {
        for (double p : pValues) {
            if (p < 0 || p > 1) {
                throw new IllegalArgumentException("p-values must be within [0, 1], got " + p);
            }
        }
        double[] adjusted = new double[pValues.length];
        Arrays.fill(adjusted, Double.NaN);
        Integer[] order = IntStream.range(0, pValues.length).filter(i -> !Double.isNaN(pValues[i])).boxed()
                .sorted(Comparator.comparingDouble(i -> pValues[i])).toArray(Integer[]::new);
        int m = order.length;
        double running = 0;
        for (int rank = 0; rank < m; rank++) {
            int i = order[rank];
            running = Math.max(running, Math.min(1.0, (m - rank) * pValues[i]));
            adjusted[i] = running;
        }
        return adjusted;
    }
}
