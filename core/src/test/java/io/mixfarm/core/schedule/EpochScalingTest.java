package io.mixfarm.core.schedule;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EpochScalingTest {

    @Test
    void isTheMnistRuleForTheMnistBoundaries() {
        for (int epochs = Schedules.MIN_EPOCHS; epochs <= 10_000; epochs++) {
            assertEquals(Schedules.boundaries(epochs), EpochScaling.scale("x", List.of(41, 81, 121), 200, epochs),
                    "E=" + epochs);
        }
    }

    @Test
    void givesTheNominalBoundariesBackAtTheNominalLengthAndStaysStrictlyIncreasing() {
        List<Integer> nominal = List.of(101, 201, 301, 401, 501, 1001);
        assertEquals(nominal, EpochScaling.scale("x", nominal, 1200, 1200));
        for (int epochs = 7; epochs <= 5000; epochs++) {
            List<Integer> b = EpochScaling.scale("x", nominal, 1200, epochs);
            for (int i = 1; i < b.size(); i++) {
                assertTrue(b.get(i - 1) < b.get(i), "E=" + epochs + ": " + b);
            }
            assertTrue(b.get(0) >= 2 && b.get(b.size() - 1) <= epochs, "E=" + epochs + ": " + b);
        }
    }

    @Test
    void roundsHalfUp() {
        // (101 - 1) * 6 / 1200 = 0.5 exactly: rounds up to 1, so the phase starts at epoch 2.
        assertEquals(List.of(2), EpochScaling.scale("x", List.of(101), 1200, 6));
        // (501 - 1) * 3 / 1200 = 1.25 rounds down to 1.
        assertEquals(List.of(2), EpochScaling.scale("x", List.of(501), 1200, 3));
    }

    @Test
    void aRunTooShortNamesTheFewestEpochsThatFit() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> EpochScaling.scale("s", List.of(101, 201, 301, 401, 501, 1001), 1200, 5));
        assertEquals("schedule \"s\" needs at least 7 epochs (one per phase), got 5", e.getMessage());
    }
}
