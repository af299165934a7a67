package io.mixfarm.analysis.mixing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RelaxationTest {

    @Test
    void fitsAKnownExponentialExactly() {
        double[] steps = KnownRelaxation.steps(10, 300);
        double gammaInf = 4;
        double rate = 0.03;
        double[] gamma = new double[steps.length];
        for (int j = 0; j < steps.length; j++) {
            gamma[j] = gammaInf + 99 * gammaInf * Math.exp(-rate * steps[j]);
        }
        assertEquals(rate, Relaxation.rate(steps, gamma, gammaInf), 1e-12);
    }

    @Test
    void bootstrapOfExactSeriesIsTheRate() {
        // Every pair on the same exact curve: every resample gives the same rate.
        double[] steps = KnownRelaxation.steps(10, 200);
        double[][] p = new double[5][steps.length];
        double[][] r = new double[5][steps.length];
        for (int k = 0; k < 5; k++) {
            for (int j = 0; j < steps.length; j++) {
                double gamma = 1 + 99 * Math.exp(-0.02 * steps[j]);
                p[k][j] = 1 / Math.sqrt(gamma);
                r[k][j] = 1;
            }
        }
        BootstrapEstimate fit = Relaxation.estimate(steps, p, r, 20, 1);
        assertEquals(0.02, fit.value(), 1e-9);
        assertEquals(0.02, fit.low(), 1e-9);
        assertEquals(0.02, fit.high(), 1e-9);
    }

    @Test
    void measuresEquationTwelvesRateOnSimulatedSgdNorms() {
        double lambdaE = 0.01;
        double[] steps = KnownRelaxation.steps(5, 400);
        double[][][] lr = KnownRelaxation.effectiveLrs(steps, lambdaE, 64, 7);
        BootstrapEstimate fit = Relaxation.estimate(steps, lr[0], lr[1], 200, 3);
        // The discrete recursion's rate in gamma is -4 ln(1 - lambda_e), 1% above 4 lambda_e here.
        double predicted = Relaxation.predicted(lambdaE);
        assertEquals(1.0, fit.value() / predicted, 0.1, fit.toString());
        assertTrue(fit.low() <= -4 * Math.log(1 - lambdaE) && -4 * Math.log(1 - lambdaE) <= fit.high() * 1.02,
                fit.toString());
    }
}
