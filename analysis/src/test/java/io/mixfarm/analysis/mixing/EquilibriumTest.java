package io.mixfarm.analysis.mixing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mixfarm.analysis.tv.Design;
import io.mixfarm.analysis.tv.PredictionMatrix;
import io.mixfarm.analysis.tv.SyntheticPredictions;
import io.mixfarm.analysis.tv.TvSummaryRow;
import org.junit.jupiter.api.Test;

/**
 * The equilibrium check on synthetic trials recorded at two times, each trial's two records dependent (as one
 * trial's are): a distribution that did not move is on the floor, one that moved is not.
 */
class EquilibriumTest {

    private static final int TRIALS = 30;
    private static final double[][] P = SyntheticPredictions.dirichlet(100, 10, 5, 1);

    @Test
    void aReferenceThatDidNotMoveIsAtEquilibriumAsOftenAsTheLevelSays() {
        int alarms = 0;
        for (long seed = 1; seed <= 20; seed++) {
            // Half of each trial's images keep their draw from one time to the other: strong within-trial dependence.
            PredictionMatrix[] times = SyntheticPredictions.drawPairs(P, P, TRIALS, 0.5, seed);
            TvSummaryRow row = Equilibrium.estimate(times[0], times[1], 16, 199, seed);
            assertEquals(Design.PAIRED, row.design());
            assertTrue(row.tv() > 0 && row.nullMean() > 0, row.toString());
            alarms += Equilibrium.of(row.pValue()) == Equilibrium.NOT_REACHED ? 1 : 0;
        }
        // Under the null about 1 in 20 (alpha 0.05); 5 or more of 20 has probability 0.3%.
        assertTrue(alarms <= 4, alarms + " of 20 still references called not at equilibrium");
    }

    @Test
    void aReferenceThatMovedIsNotAtEquilibrium() {
        double[][] moved = SyntheticPredictions.mixture(P, SyntheticPredictions.dirichlet(100, 10, 5, 2), 0.3);
        for (long seed = 1; seed <= 5; seed++) {
            PredictionMatrix[] times = SyntheticPredictions.drawPairs(P, moved, TRIALS, 0.5, seed);
            TvSummaryRow row = Equilibrium.estimate(times[0], times[1], 16, 199, seed);
            assertEquals(Equilibrium.NOT_REACHED, Equilibrium.of(row.pValue()), row.toString());
            assertTrue(row.tv() > row.nullMean(), row.toString());
        }
    }

    @Test
    void theVerdictReadsThePValue() {
        assertEquals(Equilibrium.NOT_REACHED, Equilibrium.of(0.01));
        assertEquals(Equilibrium.REACHED, Equilibrium.of(0.05));
        assertEquals(Equilibrium.NOT_CHECKED, Equilibrium.of(Double.NaN));
    }
}
