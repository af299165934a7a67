package io.mixfarm.analysis.tv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class IntervalCandidatesTest {

    @Test
    void bcaAccelerationHasItsHandComputedValue() {
        // a = {0, 0, 0, 1}, b = {1, 1, 1, 1}, one image: signs +1 (class 0), -1 (class 1); scores a = {1, 1, 1, -1}
        // (mean 1/2), b = {-1, -1, -1, -1}. Influence values U_a = {1/2, 1/2, 1/2, -3/2}, U_b = 0. Sum of cubes
        // -3, of squares 3, so a = (-3 / 4^3) / (6 (3 / 4^2)^(3/2)) = -1 / (6 sqrt 3).
        PooledPredictions pool = PooledPredictions.of(Matrices.column(2, 0, 0, 0, 1), Matrices.column(2, 1, 1, 1, 1));
        long[] weights = new long[pool.trials()];
        Draws.nested(pool, 4, 4, weights);
        assertEquals(-1 / (6 * Math.sqrt(3)), IntervalCandidates.acceleration(pool, weights), 1e-15);
    }

    @Test
    void bcaWithoutBiasOrAccelerationIsThePercentileInterval() {
        double[] sorted = new double[1001];
        for (int r = 0; r < sorted.length; r++) {
            sorted[r] = r / 1000.0;
        }
        // Half the resamples below t = 0.5 (ties count half): z0 = 0, so BCa's levels are 2.5% and 97.5%.
        IntervalCandidates.Interval bca = IntervalCandidates.bca(0.5, sorted, 0);
        assertEquals(IntervalCandidates.quantile(sorted, 0.025), bca.low(), 1e-6);
        assertEquals(IntervalCandidates.quantile(sorted, 0.975), bca.high(), 1e-6);
        // Every resample above t (the plug-in's bias): both levels collapse to the lowest resample.
        IntervalCandidates.Interval shifted = IntervalCandidates.bca(-1, sorted, 0);
        assertTrue(shifted.high() < 0.01, shifted.toString());
    }

    @Test
    void normalQuantileAndCdfAreInverses() {
        assertEquals(1.959963984540054, IntervalCandidates.Normal.quantile(0.975), 1e-8);
        assertEquals(-2.326347874040841, IntervalCandidates.Normal.quantile(0.01), 1e-8);
        assertEquals(0.0, IntervalCandidates.Normal.quantile(0.5), 1e-12);
        for (double x : new double[] {-3, -1, 0, 0.5, 2}) {
            assertEquals(x, IntervalCandidates.Normal.quantile(IntervalCandidates.Normal.cdf(x)), 1e-5);
        }
    }
}
