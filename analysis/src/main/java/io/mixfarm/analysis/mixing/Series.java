package io.mixfarm.analysis.mixing;

/** Per-pair series of a measure at record points ({@code series[pair][point]}): checks and weighted means. */
final class Series {

    private Series() {
    }

    /** Checks that both branches have one finite series per pair, each as long as {@code steps}. */
    static void require(double[] steps, double[][] perturbed, double[][] reference) {
        Settling.requireTimes(steps);
        if (perturbed.length < 1 || perturbed.length != reference.length) {
            throw new IllegalArgumentException("need the same number of pairs (at least 1) on both branches, got "
                    + perturbed.length + " and " + reference.length);
        }
        for (double[][] branch : new double[][][] {perturbed, reference}) {
            for (int k = 0; k < branch.length; k++) {
                if (branch[k].length != steps.length) {
                    throw new IllegalArgumentException("pair " + k + " has " + branch[k].length + " values for "
                            + steps.length + " record points");
                }
                for (double v : branch[k]) {
                    if (!Double.isFinite(v)) {
                        throw new IllegalArgumentException("pair " + k + " has a value " + v
                                + " (a diverged trial is no sample: leave its pair out)");
                    }
                }
            }
        }
    }

    /** The mean over pairs at each point, pair k counted {@code multiplicity[k]} times. */
    static double[] mean(double[][] series, int[] multiplicity) {
        int points = series[0].length;
        double[] out = new double[points];
        long total = 0;
        for (int k = 0; k < series.length; k++) {
            total += multiplicity[k];
            for (int j = 0; j < points; j++) {
                out[j] += multiplicity[k] * series[k][j];
            }
        }
        for (int j = 0; j < points; j++) {
            out[j] /= total;
        }
        return out;
    }

    /**
     * The level of a branch at equilibrium: its mean over the pairs (pair k counted {@code multiplicity[k]} times)
     * and over all record points. Both the norm clock and the relaxation fit read the reference branch this way,
     * since it is at equilibrium throughout (the study's premise).
     */
    static double level(double[][] series, int[] multiplicity) {
        double[] mean = mean(series, multiplicity);
        double sum = 0;
        for (double v : mean) {
            sum += v;
        }
        return sum / mean.length;
    }
}
