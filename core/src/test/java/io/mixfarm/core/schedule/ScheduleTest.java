package io.mixfarm.core.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScheduleTest {

    private static final Schedule TWO_PHASES = new Schedule("two", List.of(
            new Phase(1, 0.1, 0.1), new Phase(121, 0.01, 0.0)));

    @Test
    void isPiecewiseConstantAndLastPhaseHoldsForever() {
        assertEquals(0.1, TWO_PHASES.lr(1));
        assertEquals(0.1, TWO_PHASES.lr(120));
        assertEquals(0.01, TWO_PHASES.lr(121));
        assertEquals(0.0, TWO_PHASES.wd(121));
        assertEquals(0.01, TWO_PHASES.lr(1_000_000));
        assertSame(TWO_PHASES.phases().get(1), TWO_PHASES.phaseAt(200));
        assertEquals(0.1 * 0.1, TWO_PHASES.intrinsicLr(5));
    }

    @Test
    void boundariesAreTheFirstEpochsAfterTheFirstPhase() {
        assertEquals(List.of(121), TWO_PHASES.boundaries());
        assertEquals(List.of(), new Schedule("one", List.of(new Phase(1, 0.1, 0))).boundaries());
    }

    @Test
    void phaseAtRejectsEpochsBeforeOne() {
        var e = assertThrows(IllegalArgumentException.class, () -> TWO_PHASES.phaseAt(0));
        assertTrue(e.getMessage().contains("epoch must be >= 1, got 0"), e.getMessage());
    }

    @Test
    void keepsAnImmutableCopyOfThePhases() {
        List<Phase> phases = new ArrayList<>(List.of(new Phase(1, 0.1, 0.1)));
        Schedule schedule = new Schedule("copy", phases);
        phases.add(new Phase(5, 0.2, 0.2));
        assertEquals(1, schedule.phases().size());
        assertThrows(UnsupportedOperationException.class,
                () -> schedule.phases().add(new Phase(9, 0, 0)));
    }

    @Test
    void constructorRejectsMalformedPhaseLists() {
        assertMessage("schedule \"x\" has no phases", () -> new Schedule("x", List.of()));
        assertMessage("first phase must start at epoch 1, got 2",
                () -> new Schedule("x", List.of(new Phase(2, 0.1, 0.1))));
        assertMessage("phase 3 starts at epoch 5, not after phase 2 at epoch 5",
                () -> new Schedule("x", List.of(new Phase(1, 0, 0), new Phase(5, 0, 0),
                        new Phase(5, 0, 0))));
        assertMessage("phase 3 starts at epoch 3, not after phase 2 at epoch 7",
                () -> new Schedule("x", List.of(new Phase(1, 0, 0), new Phase(7, 0, 0),
                        new Phase(3, 0, 0))));
        assertMessage("schedule name must not be blank",
                () -> new Schedule(" ", List.of(new Phase(1, 0, 0))));
    }

    @Test
    void requireWithinNamesThePhaseThatStartsTooLate() {
        assertSame(TWO_PHASES, TWO_PHASES.requireWithin(121));
        assertMessage("schedule \"two\": phase 2 starts at epoch 121, after the last epoch 120",
                () -> TWO_PHASES.requireWithin(120));
        assertMessage("epochs must be >= 1, got 0", () -> TWO_PHASES.requireWithin(0));
    }

    @Test
    void prefixDifferenceAllowsAForkOnlyWhereEveryEpochBeforeItAgrees() {
        Schedule reference = Schedule.parse("R", "1: lr=0.1 wd=0.1");
        Schedule perturbed = Schedule.parse("P", "1: lr=0.1 wd=0.1; 9: lr=0.01 wd=1");
        assertEquals(null, perturbed.prefixDifference(reference, 8));
        assertEquals(null, reference.prefixDifference(perturbed, 0));
        assertEquals("\"P\" and \"R\" differ in epoch 9 (lr=0.01 wd=1.0 momentum=0.0 against lr=0.1 wd=0.1"
                + " momentum=0.0)", perturbed.prefixDifference(reference, 9));
        // Momentum anywhere picks the update's form from epoch 1, even where beta is still 0.
        Schedule later = Schedule.parse("M", "1: lr=0.1 wd=0.1; 9: momentum=0.9");
        assertEquals("\"M\" uses momentum and \"R\" does not, so their updates differ from epoch 1",
                reference.prefixDifference(later, 1));
    }

    private static void assertMessage(String expected, Runnable action) {
        var e = assertThrows(IllegalArgumentException.class, action::run);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
