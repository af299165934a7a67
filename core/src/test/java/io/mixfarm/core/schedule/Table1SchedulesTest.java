package io.mixfarm.core.schedule;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Table 1 of the paper, worked out by hand from its multipliers (initial eta 0.4, lambda 5e-4; the paper's "at
 * epoch 100", counted from 0, is our 1-based epoch 101, so 100 is the last epoch of the old values).
 */
class Table1SchedulesTest {

    @ParameterizedTest(name = "{0} epoch {1}: lr {2} wd {3}")
    @CsvSource(textBlock = """
            Schedule_1,   99, 0.4,  5e-4
            Schedule_1,  100, 0.4,  5e-4
            Schedule_1,  101, 0.1,  5e-4
            Schedule_1,  499, 0.2,  5e-4
            Schedule_1,  500, 0.2,  5e-4
            Schedule_1,  501, 0.4,  5e-4
            Schedule_1,  999, 0.4,  5e-4
            Schedule_1, 1000, 0.4,  5e-4
            Schedule_1, 1001, 0.04, 0
            Schedule_2,   99, 0.4,  5e-4
            Schedule_2,  100, 0.4,  5e-4
            Schedule_2,  101, 0.4,  5e-4
            Schedule_2,  499, 0.4,  5e-4
            Schedule_2,  500, 0.4,  5e-4
            Schedule_2,  501, 0.4,  5e-4
            Schedule_2,  999, 0.4,  5e-4
            Schedule_2, 1000, 0.4,  5e-4
            Schedule_2, 1001, 0.04, 0
            Schedule_3,   99, 0.4,  5e-4
            Schedule_3,  100, 0.4,  5e-4
            Schedule_3,  101, 1.6,  5e-4
            Schedule_3,  499, 0.1,  5e-4
            Schedule_3,  500, 0.1,  5e-4
            Schedule_3,  501, 0.4,  5e-4
            Schedule_3,  999, 0.4,  5e-4
            Schedule_3, 1000, 0.4,  5e-4
            Schedule_3, 1001, 0.04, 0
            Schedule_4,   99, 0.4,  5e-4
            Schedule_4,  100, 0.4,  5e-4
            Schedule_4,  101, 1.6,  2e-3
            Schedule_4,  499, 0.1,  1.25e-4
            Schedule_4,  500, 0.1,  1.25e-4
            Schedule_4,  501, 0.4,  5e-4
            Schedule_4,  999, 0.4,  5e-4
            Schedule_4, 1000, 0.4,  5e-4
            Schedule_4, 1001, 0.04, 0
            Schedule_5,   99, 12.8, 5e-4
            Schedule_5,  100, 12.8, 5e-4
            Schedule_5,  101, 6.4,  5e-4
            Schedule_5,  499, 0.8,  5e-4
            Schedule_5,  500, 0.8,  5e-4
            Schedule_5,  501, 0.4,  5e-4
            Schedule_5,  999, 0.4,  5e-4
            Schedule_5, 1000, 0.4,  5e-4
            Schedule_5, 1001, 0.04, 0
            """)
    void eachScheduleHasTheTablesValuesAroundEveryBoundaryAt1200Epochs(String name, int epoch, double lr,
                                                                       double wd) {
        Schedule s = Schedules.named(name, Table1Schedules.PAPER_EPOCHS);
        assertEquals(name, s.name());
        assertEquals(lr, s.lr(epoch), 1e-15 * lr, "lr");
        assertEquals(wd, s.wd(epoch), 1e-15 * wd, "wd");
        assertEquals(0.0, s.momentum(epoch), "table 1 is plain SGD");
    }

    @Test
    void theMiddleEpochsOfEveryPhaseAgreeWithTheTable() {
        // Phases 2-4 are only sampled above at their edges; these are the values in between.
        double[][] lr = {
                {0.4, 0.1, 0.4, 0.1, 0.2, 0.4},
                {0.4, 0.4, 0.4, 0.4, 0.4, 0.4},
                {0.4, 1.6, 0.8, 0.4, 0.1, 0.4},
                {0.4, 1.6, 0.8, 0.4, 0.1, 0.4},
                {12.8, 6.4, 3.2, 1.6, 0.8, 0.4}};
        double[] wd4 = {5e-4, 2e-3, 1e-3, 5e-4, 1.25e-4, 5e-4};
        for (int k = 0; k < 5; k++) {
            Schedule s = Schedules.named("Schedule_" + (k + 1), 1200);
            for (int phase = 0; phase < 6; phase++) {
                int epoch = 50 + 100 * phase;
                assertEquals(lr[k][phase], s.lr(epoch), 1e-15, s.name() + " lr at " + epoch);
                assertEquals(k == 3 ? wd4[phase] : 5e-4, s.wd(epoch), 1e-18, s.name() + " wd at " + epoch);
            }
        }
    }

    @Test
    void allFiveShareTheLearningRateAndWeightDecayFromEpoch501To1000() {
        for (String name : Table1Schedules.names()) {
            Schedule s = Schedules.named(name, 1200);
            assertEquals(List.of(101, 201, 301, 401, 501, 1001), s.boundaries(), name);
            for (int epoch = 501; epoch <= 1000; epoch++) {
                assertEquals(0.4, s.lr(epoch), 1e-15, name);
                assertEquals(5e-4, s.wd(epoch), 1e-18, name);
            }
        }
    }

    @ParameterizedTest(name = "E={0}")
    @CsvSource(textBlock = """
            7,    2, 3, 4, 5, 6, 7
            12,   2, 3, 4, 5, 6, 11
            24,   3, 5, 7, 9, 11, 21
            120,  11, 21, 31, 41, 51, 101
            2400, 201, 401, 601, 801, 1001, 2001
            """)
    void boundariesScaleWithTheRunLength(int epochs, int b1, int b2, int b3, int b4, int b5, int b6) {
        for (String name : Table1Schedules.names()) {
            Schedule s = Schedules.named(name, epochs);
            assertEquals(List.of(b1, b2, b3, b4, b5, b6), s.boundaries(), name + " at " + epochs);
            // Scaled, the values are the same phases: the last one fine-tunes.
            assertEquals(0.0, s.wd(epochs), name);
            assertEquals(Schedules.named(name, 1200).lr(1001), s.lr(epochs), name);
        }
    }

    @Test
    void tooShortARunIsAnErrorNamingTheFewestEpochs() {
        var e = assertThrows(IllegalArgumentException.class, () -> Schedules.named("Schedule_3", 6));
        assertEquals("schedule \"Schedule_3\" needs at least 7 epochs (one per phase), got 6", e.getMessage());
    }

    @Test
    void namesAreThePapersAndAcceptTheUsualSpellings() {
        assertEquals(List.of("Schedule_1", "Schedule_2", "Schedule_3", "Schedule_4", "Schedule_5"),
                Table1Schedules.names());
        assertEquals("Schedule_4", Schedules.named("schedule-4", 12).name());
        assertEquals("Schedule_4", Schedules.canonicalName(" SCHEDULE_4 ").orElseThrow());
        assertFalse(Schedules.canonicalName("Schedule_6").isPresent());
        assertTrue(Schedules.named("Schedule_1", 12).boundaries().size() == 6);
    }
}
