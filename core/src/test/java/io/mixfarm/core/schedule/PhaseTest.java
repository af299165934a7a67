package io.mixfarm.core.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PhaseTest {

    @Test
    void intrinsicLrIsLrTimesWd() {
        assertEquals(0.4 * 0.1, new Phase(1, 0.4, 0.1).intrinsicLr());
        assertEquals(0.0, new Phase(121, 0.01, 0.0).intrinsicLr());
    }

    @Test
    void negativeZeroIsFoldedIntoZero() {
        assertEquals(new Phase(1, 0.0, 0.0), new Phase(1, -0.0, -0.0));
    }

    @Test
    void rejectsEpochBeforeOne() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Phase(0, 0.1, 0.1));
        assertTrue(e.getMessage().contains("firstEpoch must be >= 1, got 0"), e.getMessage());
    }

    @Test
    void rejectsNegativeNanAndInfiniteRates() {
        assertMessage("lr must be finite and >= 0, got -0.1", () -> new Phase(1, -0.1, 0.1));
        assertMessage("wd must be finite and >= 0, got -1.0", () -> new Phase(1, 0.1, -1));
        assertMessage("lr must be finite and >= 0, got NaN", () -> new Phase(1, Double.NaN, 0));
        assertMessage("wd must be finite and >= 0, got Infinity",
                () -> new Phase(1, 0, Double.POSITIVE_INFINITY));
    }

    @Test
    void momentumIsInZeroToOneAndDefaultsToPlainSgd() {
        assertEquals(0.0, new Phase(1, 0.1, 0.1).momentum());
        assertEquals(new Phase(1, 0.1, 0.1, 0.0), new Phase(1, 0.1, 0.1, -0.0));
        assertMessage("momentum must be in [0, 1), got 1.0", () -> new Phase(1, 0.1, 0.1, 1.0));
        assertMessage("momentum must be in [0, 1), got -0.5", () -> new Phase(1, 0.1, 0.1, -0.5));
        assertMessage("momentum must be in [0, 1), got NaN", () -> new Phase(1, 0.1, 0.1, Double.NaN));
    }

    private static void assertMessage(String expected, Runnable action) {
        var e = assertThrows(IllegalArgumentException.class, action::run);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
