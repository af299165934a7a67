package io.mixfarm.jobs.tv;

import io.mixfarm.core.schedule.Schedule;
import io.mixfarm.core.schedule.Schedules;
import io.mixfarm.jobs.experiment.ExperimentException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CurveEpochsTest {

    private static final List<Schedule> PAPER = List.of(Schedules.named(Schedules.CONST, 200),
            Schedules.named(Schedules.LR_DECAY, 200), Schedules.named(Schedules.WD_DECAY, 200));

    @Test
    void thePapersSchedulesChangeAtTheirPhaseBoundaries() {
        assertEquals(List.of(41, 81, 121), List.copyOf(CurveEpochs.changePoints(PAPER)));
        assertEquals(List.of(121), List.copyOf(CurveEpochs.changePoints(PAPER.subList(0, 1))));
    }

    @Test
    void byDefaultTheCurveComesAtTheLastRecordEpochOfEachPhaseAndTheLast() {
        List<Integer> everyEpoch = IntStream.rangeClosed(1, 200).boxed().toList();
        assertEquals(List.of(40, 80, 120, 200), CurveEpochs.defaults(PAPER, everyEpoch));
        assertEquals(List.of(120, 200), CurveEpochs.defaults(PAPER, List.of(120, 200)));
        assertEquals(List.of(30, 70, 200), CurveEpochs.defaults(PAPER, List.of(10, 30, 50, 70, 200)));
        assertEquals(List.of(2), CurveEpochs.defaults(List.of(Schedule.parse("one", "1: lr=0.1 wd=0.01")),
                List.of(1, 2)));
    }

    @Test
    void aPhaseThatRepeatsTheSettingsIsNoChange() {
        Schedule same = Schedule.parse("same", "1: lr=0.1 wd=0.1; 10: lr=0.1; 20: wd=0.05");
        assertEquals(List.of(20), List.copyOf(CurveEpochs.changePoints(List.of(same))));
        assertEquals(List.of(19, 30), CurveEpochs.defaults(List.of(same), List.of(5, 15, 19, 25, 30)));
    }

    @Test
    void requestedEpochsMustBeRecordEpochs() {
        assertEquals(List.of(10, 200), CurveEpochs.resolve(List.of(200, 10, 200), PAPER, List.of(10, 200), "x"));
        ExperimentException e = assertThrows(ExperimentException.class,
                () -> CurveEpochs.resolve(List.of(7), PAPER, List.of(10, 200), "paper"));
        assertEquals("--n-epochs 7 is not a record epoch of paper (record epochs [10, 200])", e.getMessage());
    }
}
