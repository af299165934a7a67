package io.mixfarm.core.trial;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The record points of a trial: epoch ends, and every k steps from an epoch on. */
class RecordStepsTest {

    @Test
    void offRecordsTheEndsOfTheRecordEpochsAtTheirSteps() {
        assertEquals(List.of(new RecordPoint(2, 16), new RecordPoint(4, 32)),
                RecordSteps.OFF.points(4, List.of(2, 4), 8));
        assertFalse(RecordSteps.OFF.on());
    }

    @Test
    void everyKStepsFromTheStartOfAnEpochToTheLastStepMergedWithEpochEnds() {
        // 8 steps per epoch; from the start of epoch 2 (step 8, the end of epoch 1) every 3 steps: 8, 11, ..., 23;
        // the end of record epoch 3 (step 24) besides. Step 8 is epoch 1's end, so it is that epoch's point.
        List<RecordPoint> points = new RecordSteps(2, 3).points(3, List.of(3), 8);
        assertEquals(List.of(new RecordPoint(1, 8), new RecordPoint(2, 11), new RecordPoint(2, 14),
                new RecordPoint(3, 17), new RecordPoint(3, 20), new RecordPoint(3, 23), new RecordPoint(3, 24)),
                points);
        assertTrue(points.get(0).isEpochEnd(8));
        assertFalse(points.get(1).isEpochEnd(8));
    }

    @Test
    void aStepPointOnARecordEpochsEndIsOnePointAndStepsFromEpochOneStartAfterTheFirstStepBlock() {
        assertEquals(List.of(new RecordPoint(1, 4), new RecordPoint(1, 8), new RecordPoint(2, 12),
                new RecordPoint(2, 16)), new RecordSteps(1, 4).points(2, List.of(1, 2), 8));
    }

    @Test
    void aPointIsInsideTheEpochInProgress() {
        assertEquals(new RecordPoint(2, 9), RecordPoint.at(9, 8));
        assertEquals(new RecordPoint(1, 8), RecordPoint.at(8, 8));
        assertEquals(new RecordPoint(5, 40), RecordPoint.endOf(5, 8));
    }

    @Test
    void badSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new RecordSteps(0, 5));
        assertThrows(IllegalArgumentException.class, () -> new RecordSteps(3, 0));
        assertThrows(IllegalArgumentException.class, () -> new RecordSteps(5, 1).points(4, List.of(4), 8));
    }
}
