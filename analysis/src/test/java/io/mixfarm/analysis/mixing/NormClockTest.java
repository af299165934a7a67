package io.mixfarm.analysis.mixing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class NormClockTest {

    @Test
    void isTheReturnWithinFivePercentOfTheReference() {
        double[] steps = {0, 10, 20, 30, 40, 50};
        // Gaps 0.9, 0.08, 0.02, 0, 0.06, 0: the first within 0.05 is 0.02 at 20, after 0.08 at 10: (0.03 / 0.06) of
        // the way. The excursion to 0.06 at 40 is the tail's noise, not a second return: the clock stays at 15.
        double[] perturbed = {0.2, 1.84, 2.04, 2, 2.12, 2};
        assertEquals(15.0, NormClock.crossing(steps, perturbed, 2), 1e-9);
        assertEquals(0.0, NormClock.crossing(steps, new double[] {1.95, 2, 2, 2, 2, 2}, 2), 1e-9);
        // Never within the band: not settled in the window.
        assertTrue(Double.isNaN(NormClock.crossing(steps, new double[] {0.2, 1.5, 1.8, 1.85, 1.88, 1.89}, 2)));
    }

    @Test
    void readsTheReferenceAtItsEquilibriumLevelNotPointByPoint() {
        // The reference's mean is 2 over all points, but its sampling noise puts it at 1.92 at step 40 and 2.08 at
        // 50. Against that point's 1.92, the perturbed 2.02 would be 5.2% away and the clock would leave the band
        // at 40 again; against the level 2 its gaps are 0.9, 0.08, 0.02, 0, 0.01, 0.01, so it settles at 15.
        double[] steps = {0, 10, 20, 30, 40, 50};
        double[] reference = {2, 2, 2, 2, 1.92, 2.08};
        double[] perturbed = {0.2, 1.84, 2.04, 2, 2.02, 2.02};
        BootstrapEstimate clock = NormClock.estimate(steps, new double[][] {perturbed, perturbed},
                new double[][] {reference, reference}, 10, 1);
        assertEquals(15.0, clock.value(), 1e-9, clock.toString());
        assertEquals(15.0, clock.low(), 1e-9, clock.toString());
        assertEquals(15.0, clock.high(), 1e-9, clock.toString());
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

    @Test
    void isStableAtTheLargestIntrinsicLr() {
        // At lambda_e 0.04 a trial's effective LR fluctuates by about 10%, so the mean of 64 pairs by about 1.3%:
        // read point by point against a noisy reference, the 5% band was under 3 sd of the ratio, and some studies'
        // clocks left it again far into the tail (an sd of 30 steps over studies, for a clock near 45). Twenty
        // studies of 64 pairs, recorded every 6 steps: every clock within 20% of the definition's value on the
        // means of 4,000 pairs at every step.
        double lambdaE = 0.04;
        double[] steps = KnownRelaxation.steps(6, 200);
        double[] everyStep = KnownRelaxation.steps(1, 200);
        double[][] population = KnownRelaxation.populationCurves(everyStep, lambdaE, 4_000, 77);
        double truth = NormClock.crossing(everyStep, population[0],
                Arrays.stream(population[1]).average().orElseThrow());
        double[] clocks = IntStream.range(0, 20).mapToDouble(s -> {
            double[][][] lr = KnownRelaxation.effectiveLrs(steps, lambdaE, 64, 50_000L + s);
            return NormClock.estimate(steps, lr[0], lr[1], 0, s).value();
        }).toArray();
        for (double clock : clocks) {
            assertEquals(truth, clock, 0.2 * truth, Arrays.toString(clocks) + " against " + truth);
        }
    }
}
