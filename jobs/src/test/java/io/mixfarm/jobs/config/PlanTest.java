package io.mixfarm.jobs.config;

import io.mixfarm.core.schedule.Schedules;
import io.mixfarm.core.trial.TrialSpec;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The trials an experiment plans, their seeds, and the command-line variations of a config. */
class PlanTest {

    private static ExperimentConfig sample(String... overrides) {
        return ExperimentConfig.load(ExperimentConfigLoadTest.CONF.resolve("mnist-sample.conf"), List.of(overrides));
    }

    @Test
    void planIsScheduleOrderThenTrialIndex() {
        ExperimentConfig config = sample();
        List<PlannedTrial> plan = config.plan();
        assertEquals(12, plan.size());
        List<String> keys = plan.stream().map(p -> p.key().toString()).toList();
        assertEquals(List.of("Const/0", "Const/1", "Const/2", "Const/3", "LR-decay/0", "LR-decay/1", "LR-decay/2",
                "LR-decay/3", "WD-decay/0", "WD-decay/1", "WD-decay/2", "WD-decay/3"), keys);
        assertEquals(plan, config.plan(), "deterministic");
    }

    @Test
    void specCarriesTheExperiment() {
        ExperimentConfig config = sample();
        TrialSpec spec = config.planned(new TrialKey("LR-decay", 2)).spec();
        assertEquals("mnist-sample", spec.dataset());
        assertEquals(config.model(), spec.model());
        assertEquals(Schedules.named("LR-decay", 8), spec.schedule());
        assertEquals(8, spec.epochs());
        assertEquals(128, spec.batchSize());
        assertEquals(List.of(2, 4, 6, 8), spec.recordEpochs());
        assertEquals(Seeds.trialSeed(0, "LR-decay", 2), spec.seed());
        assertEquals(spec.seed(), spec.initSeed(), "independent trials draw w0 from their own seed");
    }

    @Test
    void plannedMatchesThePlan() {
        ExperimentConfig config = sample();
        for (PlannedTrial trial : config.plan()) {
            assertEquals(trial, config.planned(trial.key()));
            assertEquals(trial, config.planned(TrialKey.parse(trial.key().toString())));
        }
    }

    @Test
    void plannedRejectsTrialsOutsideTheExperiment() {
        ExperimentConfig config = sample();
        assertEquals("trial Const/4 is not part of experiment \"mnist-sample\": it has trials 0..3 per schedule",
                assertThrows(ConfigException.class, () -> config.planned(new TrialKey("Const", 4))).getMessage());
        assertEquals("trial LR-decy/0 is not part of experiment \"mnist-sample\": no schedule \"LR-decy\" (did you "
                        + "mean LR-decay?); it has Const, LR-decay, WD-decay",
                assertThrows(ConfigException.class, () -> config.planned(new TrialKey("LR-decy", 0))).getMessage());
    }

    @Test
    void independentTrialsHaveDistinctSeeds() {
        List<PlannedTrial> plan = sample("trials=50").plan();
        Set<Long> seeds = new HashSet<>();
        plan.forEach(p -> seeds.add(p.spec().seed()));
        assertEquals(plan.size(), seeds.size());
    }

    @Test
    void fixedInitSharesOneInitSeedAndKeepsDistinctSeeds() {
        List<PlannedTrial> plan = sample("fixed-init=true", "seed=11").plan();
        Set<Long> initSeeds = new HashSet<>();
        Set<Long> seeds = new HashSet<>();
        for (PlannedTrial trial : plan) {
            initSeeds.add(trial.spec().initSeed());
            seeds.add(trial.spec().seed());
        }
        assertEquals(Set.of(Seeds.sharedInitSeed(11)), initSeeds);
        assertEquals(plan.size(), seeds.size());
    }

    @Test
    void trialSeedsDoNotDependOnOtherTrialsOrSchedules() {
        ExperimentConfig config = sample();
        TrialKey key = new TrialKey("WD-decay", 1);
        TrialSpec spec = config.planned(key).spec();
        assertEquals(spec, config.withTrials(100).planned(key).spec());
        assertEquals(spec, config.withSchedules(List.of("WD-decay")).planned(key).spec());
        assertEquals(spec, config.withOutput("elsewhere").planned(key).spec());
        assertNotEquals(spec.seed(), sample("seed=1").planned(key).spec().seed());
    }

    @Test
    void recordEpochsAreTheUnionOfListEveryAndLast() {
        assertEquals(List.of(200), ExperimentConfig.parse("", List.of()).recordEpochs());
        assertEquals(List.of(120, 200), ExperimentConfig.parse("", List.of("record-epochs=[120]")).recordEpochs());
        assertEquals(List.of(40, 80, 120, 160, 200),
                ExperimentConfig.parse("", List.of("record-every=40")).recordEpochs());
        assertEquals(List.of(1, 3, 5, 6, 9, 10), ExperimentConfig.parse("",
                List.of("epochs=10", "record-epochs=[9, 1, 9, 5]", "record-every=3")).recordEpochs());
        assertEquals(List.of(10), ExperimentConfig.parse("", List.of("epochs=10", "record-every=11")).recordEpochs());
        assertEquals(List.of(1, 2, 3, 4), ExperimentConfig.parse("",
                List.of("epochs=4", "record-every=1", "record-epochs=[4]")).recordEpochs());
    }

    @Test
    void withSchedulesKeepsConfigOrder() {
        ExperimentConfig config = sample();
        ExperimentConfig kept = config.withSchedules(List.of("WD-decay", "Const", "Const"));
        assertEquals(List.of("Const", "WD-decay"), kept.scheduleNames());
        assertEquals(8, kept.plan().size());
        assertEquals("experiment.schedules: no schedule \"LR_decay\" (did you mean LR-decay?); this experiment has "
                        + "Const, LR-decay, WD-decay",
                assertThrows(ConfigException.class, () -> config.withSchedules(List.of("LR_decay"))).getMessage());
        assertThrows(ConfigException.class, () -> config.withSchedules(List.of()));
    }

    @Test
    void withTrialsAndWithOutput() {
        ExperimentConfig config = sample().withTrials(2).withOutput("hdfs://nn/runs/y");
        assertEquals(2, config.trials());
        assertEquals(6, config.plan().size());
        assertEquals("hdfs://nn/runs/y", config.output());
        assertEquals(sample().schedules(), config.schedules());
    }
}
