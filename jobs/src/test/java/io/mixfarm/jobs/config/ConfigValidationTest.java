package io.mixfarm.jobs.config;

import io.mixfarm.core.schedule.Schedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Unknown keys, wrong types and bad values each fail with one line naming the key. */
class ConfigValidationTest {

    @Test
    void unknownKeyUnderExperimentSuggestsTheKnownOne() {
        assertEquals("unknown config key experiment.trails (did you mean experiment.trials?)",
                message("experiment { trails = 3 }"));
        assertEquals("unknown config key experiment.batchSize (did you mean experiment.batch-size?)",
                message("experiment.batchSize = 64"));
        assertEquals("unknown config key experiment.momentum", message("experiment.momentum = 0.9"));
    }

    @Test
    void unknownTopLevelKeys() {
        assertEquals("unknown config key trials (did you mean experiment.trials?)", message("trials = 3"));
        assertEquals("unknown config key experiement (did you mean experiment?)",
                message("experiement { trials = 3 }"));
        assertEquals("unknown config key spark", message("spark.master = local"));
    }

    @Test
    void unknownNestedKeys() {
        assertEquals("unknown config key experiment.model.widht (did you mean experiment.model.width?)",
                message("experiment.model { widht = 8 }"));
        assertEquals("unknown config key experiment.model.bn_eps (did you mean experiment.model.bn-eps?)",
                message("experiment.model.bn_eps = 1e-5"));
        assertEquals("unknown config key experiment.schedules[1].txt (did you mean experiment.schedules[1].text?)",
                message("experiment.schedules = [Const, { name = neg, txt = \"1: lr=0.1 wd=0.1\" }]"));
        assertEquals("unknown config key experiment.schedules[0].lr",
                message("experiment.schedules = [{ name = neg, text = \"1: lr=0.1 wd=0.1\", lr = 1 }]"));
    }

    @Test
    void unknownKeyFromAnOverride() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ExperimentConfig.parse("", List.of("model.widht=8")));
        assertEquals("unknown config key experiment.model.widht (did you mean experiment.model.width?)"
                + " (from override \"model.widht=8\")", e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            experiment.epochs = 0                        | experiment.epochs: must be >= 1, got 0
            experiment.epochs = 2.5                      | experiment.epochs: must be a whole number, got 2.5
            experiment.epochs = ten                      | experiment.epochs: must be a whole number, got "ten"
            experiment.epochs = 3                        | experiment.schedules[0]: a named schedule needs at least 4 epochs
            experiment.trials = 0                        | experiment.trials: must be >= 1, got 0
            experiment.trials = 3000000000               | experiment.trials: must be <= 2147483647, got 3000000000
            experiment.batch-size = 1                    | experiment.batch-size: must be >= 2, got 1
            experiment.threads-per-trial = 0             | experiment.threads-per-trial: must be >= 1, got 0
            experiment.record-every = -1                 | experiment.record-every: must be >= 0, got -1
            experiment.record-epochs = [0]               | experiment.record-epochs[0]: must be within 1..200 (experiment.epochs), got 0
            experiment.record-epochs = [120, 201]        | experiment.record-epochs[1]: must be within 1..200 (experiment.epochs), got 201
            experiment.record-epochs = 120               | experiment.record-epochs: must be a list of epochs such as [120, 200], got 120
            experiment.seed = 1.5                        | experiment.seed: must be a whole number, got 1.5
            experiment.seed = 1e30                       | experiment.seed: must be a whole number, got 1
            experiment.fixed-init = maybe                | experiment.fixed-init: must be true or false, got "maybe"
            experiment.name = ""                         | experiment.name: must not be blank
            experiment.name = [a]                        | experiment.name: must be a string, got ["a"]
            experiment.output = "  "                     | experiment.output: must not be blank
            experiment.output = null                     | experiment.output: missing
            experiment.data = "imagenet"                 | experiment.data: unknown dataset kind 'imagenet'
            experiment.data = "mnist"                    | experiment.data: dataset kind 'mnist' needs a folder
            experiment.model = 8                         | experiment.model: must be an object { .. }, got 8
            experiment.model.width = 0                   | experiment.model.width: must be >= 1, got 0
            experiment.model.bn-eps = 0                  | experiment.model.bn-eps: must be a positive number, got 0
            experiment.model.architecture = resnet       | experiment.model.architecture: unknown architecture "resnet"; known: mnist-cnn, preresnet32, vgg16
            experiment.model.architecture = preresnet33  | experiment.model.architecture: unknown architecture "preresnet33" (did you mean preresnet32?); known: mnist-cnn, preresnet32, vgg16
            experiment.augment = mixup                   | experiment.augment: unknown augmentation "mixup"; known: none, pad-crop-flip
            experiment.normalise = zca                   | experiment.normalise: unknown normalisation "zca"; known: none, per-channel
            experiment.augment = [1]                     | experiment.augment: must be a string, got [1]
            experiment = 5                               | experiment: must be an object { .. }, got 5
            experiment.schedules = []                    | experiment.schedules: must list at least one schedule
            experiment.schedules = Const                 | experiment.schedules: must be a list of schedules such as [Const, LR-decay], got "Const"
            experiment.schedules = [Const, cosine]       | experiment.schedules[1]: unknown schedule "cosine"; expected one of Const, LR-decay, WD-decay
            experiment.schedules = [Const, LR_decy]      | experiment.schedules[1]: unknown schedule "LR_decy" (did you mean LR-decay?)
            experiment.schedules = [Const, 3]            | experiment.schedules[1]: must be a schedule name such as Const or an object
            experiment.schedules = [Const, LR-decay, const] | experiment.schedules[2]: duplicate schedule name "Const"
            experiment.schedules = ["1: lr=0.1 wd=0"]    | experiment.schedules[0]: a schedule text needs a name
            experiment.schedules = [{ name = neg }]      | experiment.schedules[0].text: missing
            experiment.schedules = [{ text = "1: lr=0.1 wd=0.1" }] | experiment.schedules[0].name: missing
            experiment.schedules = [{ name = "neg control", text = "1: lr=0.1 wd=0.1" }] | experiment.schedules[0].name: schedule name "neg control" must start with a letter, then only letters
            experiment.schedules = [{ name = "a/b", text = "1: lr=0.1 wd=0.1" }] | experiment.schedules[0].name: schedule name "a/b" must start with a letter
            experiment.schedules = [{ name = 1cycle, text = "1: lr=0.1 wd=0.1" }] | experiment.schedules[0].name: schedule name "1cycle" must start with a letter
            experiment.schedules = [{ name = _x, text = "1: lr=0.1 wd=0.1" }] | experiment.schedules[0].name: schedule name "_x" must start with a letter
            experiment.schedules = [{ name = const, text = "1: lr=0.1 wd=0.1" }] | experiment.schedules[0].name: "const" is the paper's Const schedule
            experiment.schedules = [{ name = neg, text = "1: lr=0.1" }] | experiment.schedules[0].text: schedule "neg": phase 1 "1: lr=0.1": the first phase must set wd
            experiment.schedules = [{ name = neg, text = "1: lr=0.1 wd=0.1; 201: lr=0" }] | experiment.schedules[0].text: schedule "neg": phase 2 starts at epoch 201, after the last epoch 200
            experiment.schedules = [{ name = neg, text = "1: lr=0.1 wd=0.1" }, { name = Neg, text = "1: lr=0.2 wd=0.1" }] | experiment.schedules[1]: duplicate schedule name "Neg"
            """)
    void badValueNamesItsKey(String hocon, String expectedStart) {
        String message = message(hocon);
        assertTrue(message.startsWith(expectedStart), () -> "expected \"" + expectedStart + "...\", got: " + message);
        assertFalse(message.contains("\n"), message);
    }

    /** The record checks duplicate names, not the binder too: one check, one message, wherever the list came from. */
    @Test
    void aDuplicateScheduleIsOneMessageFromAFileAnOverrideOrAHandBuiltConfig() {
        String expected = "experiment.schedules[2]: duplicate schedule name \"Const\" (names are compared ignoring "
                + "case; first at experiment.schedules[0])";
        assertEquals(expected, message("experiment.schedules = [Const, LR-decay, const]"));
        assertEquals(expected, assertThrows(ConfigException.class, () -> ExperimentConfig.parse("",
                List.of("schedules=[Const, LR-decay, const]"))).getMessage());
        ExperimentConfig config = ExperimentConfig.load(null, List.of());
        List<Schedule> twice = List.of(config.schedules().get(0), config.schedules().get(1),
                config.schedules().get(0));
        assertEquals(expected, assertThrows(ConfigException.class, () -> new ExperimentConfig(config.name(),
                config.data(), config.preprocessing(), config.model(), config.batchSize(), config.epochs(),
                config.recordEpochs(), twice, config.trials(), config.seed(), config.fixedInit(), config.output(),
                config.threadsPerTrial())).getMessage());
    }

    @Test
    void unknownKeysAreReportedBeforeBadValues() {
        // The misspelt key is why the value is what it is, so it is the error worth reading first.
        assertEquals("unknown config key experiment.trails (did you mean experiment.trials?)",
                message("experiment { trails = 3, epochs = 0 }"));
    }

    @Test
    void constructorHoldsHandBuiltConfigsToTheSameRules() {
        ExperimentConfig config = ExperimentConfig.load(null, List.of());
        assertEquals("experiment.trials: must be >= 1, got 0",
                assertThrows(ConfigException.class, () -> config.withTrials(0)).getMessage());
        assertEquals("", config.withOutput("").output(), "a derived config may leave the output folder out");
        ConfigException e = assertThrows(ConfigException.class, () -> new ExperimentConfig(config.name(),
                config.data(), config.preprocessing(), config.model(), config.batchSize(), config.epochs(),
                List.of(120),
                config.schedules(), config.trials(), config.seed(), config.fixedInit(), config.output(),
                config.threadsPerTrial()));
        assertTrue(e.getMessage().startsWith("experiment.record-epochs: resolved record epochs must ascend within "
                + "1..200 and end with the last epoch 200"), e.getMessage());
    }

    private static String message(String hocon) {
        return assertThrows(ConfigException.class, () -> ExperimentConfig.parse(hocon, List.of()),
                hocon).getMessage();
    }
}
