package io.mixfarm.core.bench;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RateMeterTest {

    @Test
    void runsWarmupThenRepeatsOfTimedStepsNumberedOnwards() {
        List<Integer> steps = new ArrayList<>();
        RateMeter.Rates rates = RateMeter.measure(step -> {
            steps.add(step);
            busyWait();
            return 7;
        }, 2, 3, 4);
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13), steps);
        assertEquals(4, rates.wall().values().size());
        assertEquals(4, rates.cpu().values().size());
        for (double rate : rates.wall().concat(rates.cpu()).values()) {
            assertTrue(rate > 0 && Double.isFinite(rate), rates.toString());
        }
    }

    @Test
    void aRateIsImagesOverSeconds() {
        // 3 steps of 5 images that each take at least 2 ms: at most 15 / 0.006 = 2,500 images/s of wall time.
        RateMeter.Rates rates = RateMeter.measure(step -> {
            long until = System.nanoTime() + 2_000_000;
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            return 5;
        }, 0, 3, 1);
        assertTrue(rates.wall().median() <= 2_500, rates.toString());
    }

    @Test
    void refusesEmptyMeasurements() {
        assertThrows(IllegalArgumentException.class, () -> RateMeter.measure(step -> 1, 0, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> RateMeter.measure(step -> 1, 0, 1, 0));
    }

    private static void busyWait() {
        long until = System.nanoTime() + 10_000;
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }
}
