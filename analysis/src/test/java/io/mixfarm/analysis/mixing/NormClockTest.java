package io.mixfarm.analysis.mixing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NormClockTest {

    @Test
    void settlesWhereTheRelativeGapStaysWithinFivePercent() {
        double[] steps = {0, 10, 20, 30};
        // Gaps 0.9, 0.08, 0.02, 0.0: the last above 0.05 is 0.08 at 10, then 0.02 at 20: (0.03 / 0.06) of the way.
        double[] reference = {2, 2, 2, 2};
        double[] perturbed = {0.2, 1.84, 2.04, 2};
        assertEquals(15.0, NormClock.crossing(steps, perturbed, reference), 1e-9);
        assertTrue(Double.isNaN(NormClock.crossing(steps, new double[] {0.2, 2, 2, 1.8}, reference)));
    }

    @Test
    void timesTheReturnOfSimulatedSgdNorms() {
        // Equation (12): gamma = effectiveLr^-2 relaxes as gamma_inf (1 + 99 exp(-4 lambda_e t)) after a tenfold LR
        // cut, so the relative gap 1 - (1 + 99 exp(-4 lambda_e t))^-1/2 reaches 5% at
        // ln(99 / (1 / 0.95^2 - 1)) / (4 lambda_e), 170.5 steps at lambda_e 0.01.
        double lambdaE = 0.01;
        double[] steps = KnownRelaxation.steps(5, 600);
        double[][][] lr = KnownRelaxation.effectiveLrs(steps, lambdaE, 64, 5);
        BootstrapEstimate clock = NormClock.estimate(steps, lr[0], lr[1], 200, 9);
        assertEquals(Math.log(99 / (1 / (0.95 * 0.95) - 1)) / (4 * lambdaE), clock.value(), 15, clock.toString());
        assertTrue(clock.low() < clock.value() && clock.value() < clock.high(), clock.toString());
    }
}
