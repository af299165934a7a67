package io.mixfarm.analysis.mixing;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The step axis of a mixing-time study: the perturbation at the end of the prefix, times counted from it. */
class PerturbationTest {

    @Test
    void thePerturbationIsAtTheEndOfThePrefixAndTimesAreStepsFromIt() {
        // T0 = 12 epochs of S = 125 steps (8,000 images in batches of 64): the prefix ends at step 1,500.
        Perturbation perturbation = new Perturbation(12, 125);
        assertEquals(1500L, perturbation.step());
        assertEquals(List.of(-125.0, 0.0, 9.0, 500.0), List.of(perturbation.stepsAfter(1375),
                perturbation.stepsAfter(1500), perturbation.stepsAfter(1509), perturbation.stepsAfter(2000)));
        // Past int range (a long study at a small batch): no overflow.
        assertEquals(4_000_000_000L, new Perturbation(40_000, 100_000).step());
    }

    @Test
    void aPrefixOrEpochOfNoStepsIsOneLine() {
        for (int[] bad : new int[][] {{0, 5}, {3, 0}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new Perturbation(bad[0], bad[1]));
            assertEquals("need prefixEpochs >= 1 and stepsPerEpoch >= 1, got " + bad[0] + " and " + bad[1],
                    e.getMessage());
        }
    }
}
