package io.mixfarm.analysis.mixing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ScalingFitTest {

    private static final double[] LAMBDAS = {0.04, 0.02, 0.01, 0.005};

    /** Times {@code c (1/lambda)^slope} with replicates spread by a log-normal of sd {@code noise}. */
    private static BootstrapEstimate[] times(double c, double slope, double noise, int resamples, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        BootstrapEstimate[] out = new BootstrapEstimate[LAMBDAS.length];
        for (int i = 0; i < LAMBDAS.length; i++) {
            double t = c * Math.pow(1 / LAMBDAS[i], slope);
            double[] replicates = new double[resamples];
            for (int r = 0; r < resamples; r++) {
                replicates[r] = t * Math.exp(noise * rng.nextGaussian());
            }
            out[i] = new BootstrapEstimate(t, replicates);
        }
        return out;
    }

    @Test
    void recoversAKnownSlopeAndItsIntervalCoversIt() {
        ScalingFit.Law law = ScalingFit.fit(LAMBDAS, times(5, 1, 0.1, 400, 1));
        assertEquals(1.0, law.slope(), 1e-12);
        assertEquals(Math.log(5), law.intercept(), 1e-12);
        assertTrue(law.slopeLow() < 1 && 1 < law.slopeHigh(), law.toString());
        // Log-normal noise of sd 0.1 per point over log-LRs spread by sd 0.79: the slope's sd is about 0.057.
        assertTrue(law.slopeHigh() - law.slopeLow() < 0.35, law.toString());
        assertEquals(0, law.dropped());
    }

    @Test
    void aSlopeOfOneHalfIsToldApartFromOne() {
        ScalingFit.Law law = ScalingFit.fit(LAMBDAS, times(20, 0.5, 0.1, 400, 2));
        assertEquals(0.5, law.slope(), 1e-12);
        assertTrue(law.slopeHigh() < 1, law.toString());
    }

    @Test
    void unsettledReplicatesAreCountedAndTooManyLeaveNoInterval() {
        BootstrapEstimate[] t = times(5, 1, 0.1, 100, 3);
        double[] replicates = new double[100];
        for (int r = 0; r < 100; r++) {
            replicates[r] = r < 10 ? Double.NaN : t[0].replicate(r);
        }
        t[0] = new BootstrapEstimate(t[0].value(), replicates);
        ScalingFit.Law law = ScalingFit.fit(LAMBDAS, t);
        assertEquals(10, law.dropped());
        assertTrue(Double.isNaN(law.slopeLow()) && Double.isNaN(law.slopeHigh()), law.toString());
        assertEquals(1.0, law.slope(), 1e-12);
    }
}
