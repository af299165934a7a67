package io.mixfarm.jobs.config;

import io.mixfarm.core.model.ModelSpec;
import io.mixfarm.core.schedule.Schedule;
import io.mixfarm.core.schedule.Schedules;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Layering of defaults, file and overrides, and reading files. */
class ExperimentConfigLoadTest {

    /** Tests run with the module as working directory; the experiment configs live in the project's conf/. */
    static final Path CONF = Path.of("..", "conf");

    @Test
    void defaultsAreThePapersFigure3OnTheSample() {
        ExperimentConfig config = ExperimentConfig.load(null, List.of());
        assertEquals("mnist-sample", config.name());
        assertEquals("mnist-sample", config.data());
        assertEquals(ModelSpec.mnistCnn(32), config.model());
        assertEquals(ModelSpec.DEFAULT_BN_EPS, config.model().bnEps());
        assertEquals(128, config.batchSize());
        assertEquals(200, config.epochs());
        assertEquals(List.of(200), config.recordEpochs());
        assertEquals(List.of(Schedules.named("Const", 200), Schedules.named("LR-decay", 200),
                Schedules.named("WD-decay", 200)), config.schedules());
        assertEquals(500, config.trials());
        assertEquals(0L, config.seed());
        assertFalse(config.fixedInit());
        assertEquals("runs/mnist-sample", config.output());
        assertEquals(1, config.threadsPerTrial());
        assertEquals(config, ExperimentConfig.parse("", null));
    }

    @Test
    void everyConfFileParses() throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(CONF, "*.conf")) {
            stream.forEach(files::add);
        }
        assertTrue(files.size() >= 2, "expected the conf files in " + CONF.toAbsolutePath() + ", got " + files);
        for (Path file : files) {
            ExperimentConfig config = ExperimentConfig.load(file, List.of());
            assertFalse(config.plan().isEmpty(), file.toString());
        }
    }

    @Test
    void mnistSampleConfIsTheReadmeFarm() {
        ExperimentConfig config = ExperimentConfig.load(CONF.resolve("mnist-sample.conf"), List.of());
        assertEquals("mnist-sample", config.data());
        assertEquals(8, config.model().width());
        assertEquals(8, config.epochs());
        assertEquals(List.of("Const", "LR-decay", "WD-decay"), config.scheduleNames());
        assertEquals(4, config.trials());
        assertEquals(List.of(2, 4, 6, 8), config.recordEpochs());
        assertEquals("runs/mnist-sample", config.output());
        assertEquals(12, config.plan().size());
    }

    @Test
    void mnistTinyConfIsTestSized() {
        ExperimentConfig config = ExperimentConfig.load(CONF.resolve("mnist-tiny.conf"), List.of());
        assertEquals("mnist-sample", config.data());
        assertEquals(4, config.model().width());
        assertEquals(4, config.epochs());
        assertEquals(2, config.schedules().size());
        assertEquals(3, config.trials());
        assertEquals(6, config.plan().size());
    }

    @Test
    void fileOverridesDefaultsAndOverridesWinLast(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("x.conf");
        Files.writeString(file, "experiment { trials = 7, epochs = 10, model.width = 16 }\n");
        ExperimentConfig fromFile = ExperimentConfig.load(file, List.of());
        assertEquals(7, fromFile.trials());
        assertEquals(16, fromFile.model().width());
        assertEquals(ModelSpec.DEFAULT_BN_EPS, fromFile.model().bnEps(), "model keys merge with the defaults");

        ExperimentConfig overridden = ExperimentConfig.load(file, List.of("trials=3", "model.width=8",
                "schedules=[Const]", "trials=4", "experiment.seed=42", "output=hdfs://nn:8020/runs/x",
                "name=my run", "schedules=[{name = neg-control, text = \"1: lr=0.1 wd=0.1; 8: lr=0.01 wd=0.01\"}]"));
        assertEquals(4, overridden.trials(), "the later of two overrides wins");
        assertEquals(8, overridden.model().width());
        assertEquals(10, overridden.epochs(), "keys no override sets keep the file's value");
        assertEquals(42L, overridden.seed(), "a leading experiment. is accepted");
        assertEquals("hdfs://nn:8020/runs/x", overridden.output(), "unquoted strings are literal: // is no comment");
        assertEquals("my run", overridden.name());
        assertEquals(List.of(Schedule.parse("neg-control", "1: lr=0.1 wd=0.1; 8: lr=0.01 wd=0.01")),
                overridden.schedules());
    }

    @Test
    void overridesUseHoconValuesAndConversions() {
        ExperimentConfig config = ExperimentConfig.parse("", List.of("trials = \"5\"", "fixed-init=true",
                "record-epochs=[3, 1]", "epochs=1e1", "output=\"runs/quoted // not a comment\""));
        assertEquals(5, config.trials());
        assertTrue(config.fixedInit());
        assertEquals(List.of(1, 3, 10), config.recordEpochs());
        assertEquals("runs/quoted // not a comment", config.output());
    }

    @Test
    void substitutionsWithinTheConfigResolve() {
        ExperimentConfig config = ExperimentConfig.parse(
                "experiment { epochs = 12, record-epochs = [${experiment.epochs}] }", List.of());
        assertEquals(List.of(12), config.recordEpochs());
    }

    @Test
    void syntaxErrorIsOneLineWithFileAndLine(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("broken.conf");
        Files.writeString(file, "experiment {\n  trials = 3\n  epochs = : 4\n}\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ExperimentConfig.load(file, List.of()));
        assertTrue(e.getMessage().startsWith(file + ": line 3: "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void syntaxErrorInStringNamesTheLine() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ExperimentConfig.parse("experiment {\n trials = [1,\n", List.of()));
        assertTrue(e.getMessage().matches("line \\d+: .*"), e.getMessage());
    }

    @Test
    void unresolvedSubstitutionNamesFileAndLine(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("sub.conf");
        Files.writeString(file, "experiment {\n  output = ${HOME}\n}\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ExperimentConfig.load(file, List.of()));
        assertTrue(e.getMessage().startsWith(file + ": line 2: "), e.getMessage());
        assertTrue(e.getMessage().contains("environment variables are not read"), e.getMessage());
    }

    @Test
    void valueErrorStartsWithTheFileName(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("x.conf");
        Files.writeString(file, "experiment.trials = 0\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ExperimentConfig.load(file, List.of()));
        assertEquals(file + ": experiment.trials: must be >= 1, got 0", e.getMessage());
    }

    @Test
    void errorFromAnOverrideSaysSo(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("x.conf");
        Files.writeString(file, "experiment.trials = 2\n");
        ConfigException e = assertThrows(ConfigException.class,
                () -> ExperimentConfig.load(file, List.of("trials=0")));
        assertEquals(file + ": experiment.trials: must be >= 1, got 0 (from override \"trials=0\")", e.getMessage());
    }

    @Test
    void missingFileIsOneLine() {
        Path file = CONF.resolve("no-such-experiment.conf");
        ConfigException e = assertThrows(ConfigException.class, () -> ExperimentConfig.load(file, List.of()));
        assertEquals(file + ": no such file", e.getMessage());
    }

    @Test
    void malformedOverridesNameTheOverride() {
        assertMessage("override \"trials\": expected KEY=VALUE, e.g. trials=3 or model.width=8", "trials");
        assertMessage("override \"=3\": expected KEY=VALUE, e.g. trials=3 or model.width=8", "=3");
        assertStarts("override \"schedules=[Const\": malformed value: ", "schedules=[Const");
        assertStarts("override \"seed=${x}\": substitutions", "seed=${x}");
    }

    private static void assertMessage(String expected, String override) {
        ConfigException e = assertThrows(ConfigException.class, () -> ExperimentConfig.parse("", List.of(override)));
        assertEquals(expected, e.getMessage());
    }

    private static void assertStarts(String expected, String override) {
        ConfigException e = assertThrows(ConfigException.class, () -> ExperimentConfig.parse("", List.of(override)));
        assertTrue(e.getMessage().startsWith(expected), e.getMessage());
    }
}
