package io.mixfarm.jobs.config;

import io.mixfarm.analysis.tv.Design;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A schedule entry's {@code fork = { from, at }}: read, checked against the schedules with one line naming the key,
 * rendered back, and planned with the parent's seeds (docs/method.md, "Forks").
 */
public class ForkConfigTest {

    /** R and its perturbation P, which agrees with R up to epoch 8; Q forks from P. */
    public static final String STUDY = """
            experiment {
              epochs = 16
              trials = 3
              schedules = [
                { name = R, text = "1: lr=0.1 wd=0.1" }
                { name = P, text = "1: lr=0.1 wd=0.1; 9: lr=0.01 wd=1", fork = { from = R, at = 8 } }
                { name = Q, text = "1: lr=0.1 wd=0.1; 9: lr=0.01 wd=1; 13: lr=0.1 wd=0.1", fork = { from = P, at = 12 } }
              ]
            }
            """;

    @Test
    void aForkIsReadRenderedBackAndPlannedWithItsRootsSeeds() {
        ExperimentConfig config = ExperimentConfig.parse(STUDY, List.of());
        assertEquals(List.of(new Fork("P", "R", 8), new Fork("Q", "P", 12)), config.forks());
        assertEquals(Optional.of(new Fork("P", "R", 8)), config.forkOf("P"));
        assertEquals(Optional.empty(), config.forkOf("R"));
        assertEquals("R", config.seedSchedule("Q"));
        assertEquals(List.of(0, 1, 2), config.scheduleNames().stream().map(config::generation).toList());
        assertEquals(config, ExperimentConfig.parse(config.render(), List.of()), "the rendered config reads back");
        assertTrue(config.render().contains("\"fork\": {"), config.render());

        for (int k = 0; k < 3; k++) {
            long parentSeed = config.planned(new TrialKey("R", k)).spec().seed();
            assertEquals(Seeds.trialSeed(config.seed(), "R", k), parentSeed);
            assertEquals(parentSeed, config.planned(new TrialKey("P", k)).spec().seed(), "P/" + k + " takes R's seed");
            assertEquals(parentSeed, config.planned(new TrialKey("Q", k)).spec().seed(), "Q/" + k + " too");
            assertEquals(parentSeed, config.planned(new TrialKey("Q", k)).spec().initSeed());
        }
        ExperimentConfig unforked = ExperimentConfig.parse(STUDY.replace(", fork = { from = R, at = 8 }", ""),
                List.of());
        assertNotEquals(unforked.planned(new TrialKey("P", 0)).spec().seed(),
                config.planned(new TrialKey("P", 0)).spec().seed(), "without the fork P has seeds of its own");
    }

    @Test
    void schedulesThatTakeTheirSeedsFromOneScheduleArePairedAndNoOthers() {
        // R, its fork P and P's fork Q all continue R's trial k: every two of them are paired. S trains on its own.
        String withS = STUDY.replace("]\n", "  { name = S, text = \"1: lr=0.1 wd=0.1\" }\n  ]\n");
        ExperimentConfig config = ExperimentConfig.parse(withS, List.of());
        assertEquals(List.of("R", "P", "Q", "S"), config.scheduleNames());
        for (String[] pair : new String[][] {{"R", "P"}, {"P", "R"}, {"P", "Q"}, {"R", "Q"}}) {
            assertEquals(Design.PAIRED, config.design(pair[0], pair[1]), String.join(" vs ", pair));
        }
        for (String other : List.of("R", "P", "Q")) {
            assertEquals(Design.UNPAIRED, config.design(other, "S"), other + " vs S");
        }
        ExperimentConfig unforked = ExperimentConfig.parse(STUDY.replace(", fork = { from = R, at = 8 }", ""),
                List.of());
        assertEquals(Design.UNPAIRED, unforked.design("R", "P"), "without the fork P's trials are independent");
        assertEquals(Design.PAIRED, unforked.design("P", "Q"), "Q still forks from P");
    }

    @Test
    void aForkTrainsOnlyAfterItsCheckpointInTheCostAndTheSelectionKeepsItsParent() {
        ExperimentConfig config = ExperimentConfig.parse(STUDY, List.of());
        CostEstimate cost = CostEstimate.of(config, 100, 10);
        assertEquals(3 * 16 + 3 * 8 + 3 * 4, cost.trialEpochs());
        assertEquals(3 * 8 + 3 * 12, cost.sharedEpochs());
        assertTrue(cost.describe().startsWith("9 trials x 16 epochs - 60 shared by forks = 84 trial-epochs"),
                cost.describe());

        assertEquals(List.of(new Fork("P", "R", 8)), config.withSchedules(List.of("R", "P")).forks());
        assertEquals(List.of(), config.withSchedules(List.of("R")).forks());
        assertEquals("experiment.schedules: \"Q\" forks from \"P\"; keep \"P\" too",
                assertThrows(ConfigException.class, () -> config.withSchedules(List.of("R", "Q"))).getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            from = Ref, at = 8  | experiment.schedules[1].fork.from: no schedule "Ref"; this experiment has R, P
            from = r, at = 8    | experiment.schedules[1].fork.from: no schedule "r" (did you mean R?); this experiment has R, P
            from = P, at = 8    | experiment.schedules[1].fork.from: "P" cannot fork from itself
            from = R, at = 16   | experiment.schedules[1].fork.at: must be within 1..15 (before the last epoch, experiment.epochs), got 16
            from = R, at = 0    | experiment.schedules[1].fork.at: must be >= 1, got 0
            from = R, at = 9    | experiment.schedules[1].fork.at: a fork must train as its parent up to epoch 9, but "P" and "R" differ in epoch 9
            from = R, at = 2.5  | experiment.schedules[1].fork.at: must be a whole number, got 2.5
            from = R            | experiment.schedules[1].fork.at: missing
            from = R, ta = 8    | unknown config key experiment.schedules[1].fork.ta (did you mean experiment.schedules[1].fork.at?)
            """)
    void aBadForkIsOneLineNamingItsKey(String fork, String expectedStart) {
        String hocon = "experiment { epochs = 16, schedules = [{ name = R, text = \"1: lr=0.1 wd=0.1\" },"
                + " { name = P, text = \"1: lr=0.1 wd=0.1; 9: lr=0.01 wd=1\", fork = { " + fork + " } }] }";
        assertMessage(hocon, expectedStart);
    }

    @Test
    void cyclesMomentumAndPaperSchedulesCannotFork() {
        assertMessage("experiment { epochs = 16, schedules = ["
                + "{ name = A, text = \"1: lr=0.1 wd=0.1\", fork = { from = B, at = 4 } },"
                + "{ name = B, text = \"1: lr=0.1 wd=0.1\", fork = { from = A, at = 4 } }] }",
                "experiment.schedules[0].fork.from: forks form a cycle (A <- B <- A)");
        assertMessage("experiment { epochs = 16, schedules = [{ name = R, text = \"1: lr=0.1 wd=0.1\" },"
                + "{ name = M, text = \"1: lr=0.1 wd=0.1; 9: momentum=0.9\", fork = { from = R, at = 8 } }] }",
                "experiment.schedules[1].fork.at: a fork must train as its parent up to epoch 8, but \"M\" uses "
                        + "momentum and \"R\" does not");
        ExperimentConfig plain = ExperimentConfig.load(null, List.of());
        ConfigException e = assertThrows(ConfigException.class, () -> new ExperimentConfig(plain.name(), plain.data(),
                plain.preprocessing(), plain.model(), plain.batchSize(), plain.epochs(), plain.recordEpochs(),
                plain.schedules(), List.of(new Fork("LR-decay", "Const", 10)), plain.trials(), plain.seed(),
                plain.fixedInit(), plain.output(), plain.threadsPerTrial(), plain.evaluation()));
        assertEquals("experiment.schedules[1].fork: the paper's LR-decay cannot fork; write a { name, text, fork } "
                + "schedule", e.getMessage());
    }

    private static void assertMessage(String hocon, String expectedStart) {
        String message = assertThrows(ConfigException.class, () -> ExperimentConfig.parse(hocon, List.of()), hocon)
                .getMessage();
        assertTrue(message.startsWith(expectedStart), () -> "expected \"" + expectedStart + "...\", got: " + message);
        assertFalse(message.contains("\n"), message);
    }
}
