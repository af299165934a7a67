package io.mixfarm.jobs.config;

import io.mixfarm.core.schedule.Schedule;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A recorded config holds a study's expanded schedules, not its block: {@link MixingStudy#recognise} gives the block
 * back from them, and nothing from any other schedules.
 */
class MixingStudyRecogniseTest {

    @Test
    void theRenderedSampleStudyIsRecognisedAsItsBlock() {
        ExperimentConfig sample = ExperimentConfig.load(Path.of("..", "conf", "mnist-mixing-sample.conf"), List.of());
        // What a folder records: the config rendered and read back.
        ExperimentConfig recorded = ExperimentConfig.parse(sample.render(), List.of());

        assertEquals(Optional.of(new MixingStudy(List.of(0.04, 0.02, 0.01), 0.1, 12, 6, 10)),
                MixingStudy.recognise(recorded.schedules(), recorded.epochs()));
    }

    @Test
    void otherSchedulesAreNoStudy() {
        MixingStudy study = new MixingStudy(List.of(0.04, 0.01), 0.1, 3, 2, 10);
        List<Schedule> schedules = study.schedules();
        assertEquals(Optional.of(study), MixingStudy.recognise(schedules, 5));

        ExperimentConfig defaults = ExperimentConfig.load(null, List.of());
        assertEquals(Optional.empty(), MixingStudy.recognise(defaults.schedules(), defaults.epochs()));
        // A study without one of its perturbed schedules.
        assertEquals(Optional.empty(), MixingStudy.recognise(schedules.subList(0, 3), 5));
        // P-0.01 perturbed at another epoch than P-0.04.
        List<Schedule> shifted = new ArrayList<>(schedules);
        shifted.set(3, Schedule.parse("P-0.01", "1: lr=0.1 wd=0.1; 3: lr=0.01 wd=1"));
        assertEquals(Optional.empty(), MixingStudy.recognise(shifted, 5));
        // Named like a study, but P never leaves R.
        shifted.set(1, Schedule.parse("P-0.04", "1: lr=0.1 wd=0.4"));
        assertEquals(Optional.empty(), MixingStudy.recognise(shifted, 5));
    }
}
