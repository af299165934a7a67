package io.mixfarm.analysis.tv;

import io.mixfarm.analysis.tv.FloorProjection.Projection;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The projected noise floor against the floor drawn directly from known per-image distributions: the pilot sees
 * only its trials, the direct simulation draws n trials a side from the truth, and both read the floor as the TV
 * job does ({@link TvEstimator}'s null mean).
 */
class FloorProjectionTest {

    /** Distributions like a trained network's: most of 2,000 images put almost all their mass on one class. */
    private static final double[][] TRUTH = SyntheticPredictions.dirichlet(2000, 10, 10, 11);
    private static final int PERMUTATIONS = 20;
    /** Independent direct draws averaged per n. */
    private static final int REPEATS = 3;
    /**
     * Largest relative error of a projection from 40 trials (docs/method.md, "Power before compute", gives the
     * measured errors: within 4% up to 500 trials).
     */
    private static final double TOLERANCE = 0.06;
    private static final int[] NS = {20, 100, 400};

    /** The floor at n from the true distributions: null means of two fresh groups of n trials, averaged. */
    private static double direct(int n) {
        double sum = 0;
        for (int r = 0; r < REPEATS; r++) {
            PredictionMatrix a = SyntheticPredictions.draw(TRUTH, n, 1000 + r);
            PredictionMatrix b = SyntheticPredictions.draw(TRUTH, n, 2000 + r);
            sum += new TvEstimator(r, 0, PERMUTATIONS).estimate(0, "a", "b", a, b, Double.NaN).nullMean();
        }
        return sum / REPEATS;
    }

    @Test
    void aFortyTrialPilotProjectsTheFloorAtTwentyToFourHundredTrials() {
        PredictionMatrix pilot = SyntheticPredictions.draw(TRUTH, 40, 7);
        Projection projection = new FloorProjection(3, PERMUTATIONS).project(pilot, NS);
        double[] floors = projection.floors();
        for (int i = 0; i < NS.length; i++) {
            double truth = direct(NS[i]);
            assertEquals(1, floors[i] / truth, TOLERANCE, "n = " + NS[i] + ": projected " + floors[i] + ", direct "
                    + truth + "; " + projection);
        }
        assertTrue(floors[0] > floors[1] && floors[1] > floors[2], "the floor falls with n: " + projection);
    }

    @Test
    void theCalibrationMakesUpWhatASmallPilotsFrequenciesMiss() {
        // Sixteen trials miss most classes of probability below 1/16: the plug-in floor alone is more than 10% below
        // the truth at every n; the calibration at least halves that error and brings it within 10%.
        PredictionMatrix pilot = SyntheticPredictions.draw(TRUTH, 16, 8);
        Projection projection = new FloorProjection(4, PERMUTATIONS).project(pilot, NS);
        assertTrue(projection.calibration() > 1, projection.toString());
        for (int i = 0; i < NS.length; i++) {
            double truth = direct(NS[i]);
            double plugInError = 1 - projection.plugIn()[i] / truth;
            double error = Math.abs(1 - projection.floors()[i] / truth);
            String what = "n = " + NS[i] + ": plug-in " + projection.plugIn()[i] + ", projected "
                    + projection.floors()[i] + ", direct " + truth;
            assertTrue(plugInError > 0.10, what);
            assertTrue(error < 0.10 && error < plugInError / 2, what);
        }
    }

    @Test
    void atHalfThePilotTheProjectionIsThePilotsOwnFloor() {
        PredictionMatrix pilot = SyntheticPredictions.draw(TRUTH, 40, 9);
        Projection projection = new FloorProjection(5, PERMUTATIONS).project(pilot, new int[] {20});
        int[] ids = pilot.trialIds();
        byte[] cells = pilot.predicted();
        int images = pilot.images();
        PredictionMatrix first = new PredictionMatrix(20, images, 10, Arrays.copyOfRange(cells, 0,
                20 * images), Arrays.copyOfRange(ids, 0, 20));
        PredictionMatrix second = new PredictionMatrix(20, images, 10, Arrays.copyOfRange(cells,
                20 * images, 40 * images), Arrays.copyOfRange(ids, 20, 40));
        double measured = new TvEstimator(5, 0, PERMUTATIONS).estimate(0, "pilot", "pilot", first, second,
                Double.NaN).nullMean();
        assertEquals(measured, projection.floors()[0], 1e-12);
        assertEquals(projection, new FloorProjection(5, PERMUTATIONS).project(pilot, new int[] {20}),
                "deterministic for a seed");
    }

    @Test
    void aPilotOfFewerThanFourTrialsIsRefused() {
        PredictionMatrix pilot = SyntheticPredictions.draw(TRUTH, 3, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FloorProjection(1, PERMUTATIONS).project(pilot, NS));
        assertEquals("a pilot needs at least 4 trials, got 3", e.getMessage());
    }
}
