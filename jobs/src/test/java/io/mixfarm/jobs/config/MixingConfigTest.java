package io.mixfarm.jobs.config;

import io.mixfarm.core.schedule.Schedule;
import io.mixfarm.core.trial.BnEval;
import io.mixfarm.core.trial.Evaluation;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The {@code mixing} block expands, at bind time, into the study's R- and P- schedules, sets the epochs and makes
 * {@code bn-eval} default to {@code recomputed}; {@code bn-eval} itself binds and reaches every trial's spec.
 */
class MixingConfigTest {

    private static final String STUDY = """
            experiment.mixing {
              intrinsic-lrs = [0.04, 0.01]
              lr = 0.1
              prefix-epochs = 3
              epochs-after = 2
              perturbation = 10
            }
            """;

    @Test
    void theSampleStudyBindsToThreeReferenceAndThreePerturbedSchedules() {
        ExperimentConfig config = ExperimentConfig.load(Path.of("..", "conf", "mnist-mixing-sample.conf"), List.of());

        assertEquals(List.of("R-0.04", "P-0.04", "R-0.02", "P-0.02", "R-0.01", "P-0.01"), config.scheduleNames());
        assertEquals(18, config.epochs());
        assertEquals(List.of(12, 13, 14, 15, 16, 17, 18), config.recordEpochs());
        assertEquals(Evaluation.recomputed(16), config.evaluation());
        double[] intrinsic = {0.04, 0.02, 0.01};
        for (int i = 0; i < intrinsic.length; i++) {
            Schedule reference = config.schedules().get(2 * i);
            Schedule perturbed = config.schedules().get(2 * i + 1);
            for (int epoch = 1; epoch <= 18; epoch++) {
                String where = reference.name() + "/" + perturbed.name() + " epoch " + epoch;
                assertEquals(0.1, reference.lr(epoch), 0.0, where);
                assertEquals(intrinsic[i] / 0.1, reference.wd(epoch), 1e-15, where);
                assertEquals(epoch <= 12 ? 0.1 : 0.01, perturbed.lr(epoch), 0.0, where);
                assertEquals((epoch <= 12 ? 1 : 10) * intrinsic[i] / 0.1, perturbed.wd(epoch), 1e-14, where);
                // The perturbation keeps the intrinsic LR: eta * lambda is l in both schedules at every epoch.
                assertEquals(intrinsic[i], reference.lr(epoch) * reference.wd(epoch), 1e-15, where);
                assertEquals(intrinsic[i], perturbed.lr(epoch) * perturbed.wd(epoch), 1e-15, where);
            }
        }
        assertEquals(config, ExperimentConfig.parse(config.render(), List.of()), "the rendered study reruns it");
    }

    @Test
    void theExpansionIsExactDecimalTextSchedules() {
        ExperimentConfig config = ExperimentConfig.parse(STUDY, List.of());

        assertEquals(5, config.epochs());
        // The end of the prefix is recorded though the file names no record epoch: the TV curve after the
        // perturbation and the equilibrium check start there.
        assertEquals(List.of(3, 5), config.recordEpochs());
        assertEquals(List.of(2, 3, 5), ExperimentConfig.parse(STUDY, List.of("record-epochs=[2]")).recordEpochs());
        assertEquals(List.of(
                Schedule.parse("R-0.04", "1: lr=0.1 wd=0.4"),
                Schedule.parse("P-0.04", "1: lr=0.1 wd=0.4; 4: lr=0.01 wd=4"),
                Schedule.parse("R-0.01", "1: lr=0.1 wd=0.1"),
                Schedule.parse("P-0.01", "1: lr=0.1 wd=0.1; 4: lr=0.01 wd=1")), config.schedules());
        assertEquals(List.of(new Fork("P-0.04", "R-0.04", 3), new Fork("P-0.01", "R-0.01", 3)), config.forks(),
                "each P forks from its R after the prefix");
        assertEquals(config, ExperimentConfig.parse(config.render(), List.of()), "the rendered study, forks too");
        assertEquals(List.of("R-0.0001", "P-0.0001"), ExperimentConfig.parse(STUDY, List.of(
                "mixing.intrinsic-lrs=[1e-4]")).scheduleNames(), "plain decimals, no exponent, in names");
    }

    @Test
    void aStudyEvaluatesWithRecomputedStatisticsUnlessItSaysOtherwise() {
        assertEquals(BnEval.RECOMPUTED, ExperimentConfig.parse(STUDY, List.of()).evaluation().bn());
        assertEquals(BnEval.RUNNING, ExperimentConfig.parse(STUDY, List.of("bn-eval=running")).evaluation().bn());
        assertEquals(BnEval.RUNNING, ExperimentConfig.parse(STUDY + "experiment.bn-eval = running\n", List.of())
                .evaluation().bn());
        // Without a study the default is the paper's evaluation; plain schedules are untouched.
        ExperimentConfig plain = ExperimentConfig.parse("", List.of());
        assertEquals(new Evaluation(BnEval.RUNNING, 16), plain.evaluation());
        assertEquals(List.of("Const", "LR-decay", "WD-decay"), plain.scheduleNames());
        assertEquals(200, plain.epochs());
    }

    @Test
    void bnEvalReachesEveryTrialSpec() {
        ExperimentConfig config = ExperimentConfig.parse("", List.of("bn-eval=recomputed", "bn-eval-batches=4",
                "trials=2", "epochs=4"));
        assertEquals(Evaluation.recomputed(4), config.evaluation());
        for (PlannedTrial trial : config.plan()) {
            assertEquals(Evaluation.recomputed(4), trial.spec().evaluation(), trial.key().toString());
        }
    }

    @Test
    void badValuesAreOneLineNamingTheKey() {
        assertProblem("experiment.mixing: cannot be used with experiment.schedules (the study expands into its own R-"
                + " and P- schedules); remove one of them", STUDY + "experiment.schedules = [Const]\n");
        assertProblem("experiment.mixing.intrinsic-lrs[1]: must be a positive number, got -0.01",
                STUDY + "experiment.mixing.intrinsic-lrs = [0.04, -0.01]\n");
        assertProblem("experiment.mixing.intrinsic-lrs[1]: intrinsic LR 0.04 is listed twice",
                STUDY + "experiment.mixing.intrinsic-lrs = [0.04, 0.040]\n");
        assertProblem("experiment.mixing.intrinsic-lrs: must list at least one intrinsic LR",
                STUDY + "experiment.mixing.intrinsic-lrs = []\n");
        assertProblem("experiment.mixing.lr: must be a positive number, got 0.0", STUDY + "experiment.mixing.lr = 0\n");
        assertProblem("experiment.mixing.perturbation: must not be 1 (the perturbed schedule would be the reference)",
                STUDY + "experiment.mixing.perturbation = 1\n");
        assertProblem("experiment.mixing.prefix-epochs: must be >= 1, got 0",
                STUDY + "experiment.mixing.prefix-epochs = 0\n");
        assertProblem("experiment.epochs: is set by experiment.mixing (prefix-epochs + epochs-after = 5); leave it out",
                STUDY + "experiment.epochs = 8\n");
        assertProblem("unknown config key experiment.mixing.intrinsic-lr (did you mean"
                + " experiment.mixing.intrinsic-lrs?)", STUDY + "experiment.mixing.intrinsic-lr = [0.1]\n");
        assertProblem("experiment.bn-eval: unknown BN evaluation mode \"precise\"; known: running, recomputed",
                "experiment.bn-eval = precise\n");
        assertProblem("experiment.bn-eval-batches: must be >= 1, got 0",
                "experiment.bn-eval = recomputed\nexperiment.bn-eval-batches = 0\n");
        assertProblem("experiment.bn-eval-batches: must be >= 1, got 0", STUDY + "experiment.bn-eval-batches = 0\n");
    }

    /** With running the count is not used: a config written from code (Evaluation.RUNNING) says 0 and reads back. */
    @Test
    void runningTakesNoStatisticsBatches() {
        ExperimentConfig config = ExperimentConfig.parse("", List.of("bn-eval-batches=0"));
        assertEquals(Evaluation.RUNNING, config.evaluation());
        assertEquals(config, ExperimentConfig.parse(config.render(), List.of()));
    }

    private static void assertProblem(String expected, String hocon) {
        ConfigException e = assertThrows(ConfigException.class, () -> ExperimentConfig.parse(hocon, List.of()));
        assertEquals(expected, e.getMessage());
    }
}
