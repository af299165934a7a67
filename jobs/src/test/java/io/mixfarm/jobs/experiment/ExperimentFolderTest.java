package io.mixfarm.jobs.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mixfarm.jobs.cli.Mixfarm;
import io.mixfarm.jobs.config.ExperimentConfig;
import io.mixfarm.jobs.store.ExperimentStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExperimentFolderTest {

    @TempDir
    Path dir;

    @Test
    void aFolderWrittenBeforeTheNormaliseAndAugmentKeysStillHoldsTheSameMnistExperiment() {
        ExperimentConfig config = ExperimentConfig.load(null,
                List.of("trials=2", "epochs=4", "output=\"" + dir + "\""));
        // What an older mixfarm recorded: the same experiment rendered without the two keys, under another identity.
        String oldRender = config.render().replace("    \"augment\": \"none\",\n", "")
                .replace("    \"normalise\": \"none\",\n", "");
        assertTrue(!oldRender.contains("augment") && !oldRender.contains("normalise"), oldRender);
        ExperimentStore store = new ExperimentStore(dir.toString(), new Configuration());
        store.writeManifest(Manifest.update(Optional.empty(), "old", Map.of("mixfarm.config", oldRender,
                "mixfarm.identity_hash", "0123456789abcdef")));
        ExperimentFolder folder = ExperimentFolder.at(dir.toString(), new Configuration());

        folder.claim(config, false);
        ExperimentException other = assertThrows(ExperimentException.class, () -> folder.claim(
                ExperimentConfig.load(null, List.of("trials=2", "epochs=4", "augment=pad-crop-flip",
                        "output=\"" + dir + "\"")), false));
        assertTrue(other.getMessage().contains("holds another experiment"), other.getMessage());
    }

    @Test
    void aFolderWithoutAnExperimentSaysSo() {
        ExperimentException e = assertThrows(ExperimentException.class,
                () -> ExperimentFolder.at(dir.toString(), new Configuration()).recordedConfig());
        assertEquals(dir + " holds no experiment (no experiment.json)", e.getMessage());
    }

    /** Every command that takes --out says in one line that a file is no folder, and leaves the file alone. */
    @ParameterizedTest
    @ValueSource(strings = {"run", "tv", "report", "sql", "trial"})
    void aFileGivenAsTheOutputFolderIsOneLineAndLosesNothing(String command) throws Exception {
        Path file = Files.writeString(dir.resolve("notes.txt"), "my notes\n");
        List<String> args = switch (command) {
            case "run" -> List.of("run", Path.of("..", "conf", "mnist-tiny.conf").toString(), "--out", file.toString(),
                    "--no-analysis");
            case "sql" -> List.of("sql", "--out", file.toString(), "SELECT 1");
            case "trial" -> List.of("trial", "--from", file.toString(), "--schedule", "Const", "--trial", "0");
            default -> List.of(command, "--out", file.toString());
        };
        StringWriter err = new StringWriter();
        int status = Mixfarm.commandLine().setOut(new PrintWriter(new StringWriter(), true))
                .setErr(new PrintWriter(err, true)).execute(args.toArray(String[]::new));

        assertEquals(2, status, err.toString());
        assertEquals("mixfarm: " + file + " is a file, not an experiment folder: choose a folder (new or holding this "
                + "experiment)", err.toString().strip());
        assertEquals("my notes\n", Files.readString(file));
    }

    /**
     * A resume must not add per-trial files beside per-epoch ones (Spark refuses such a dataset): the folder of an
     * earlier layout is refused with one line, and --force starts afresh.
     */
    @Test
    void aFolderOfThePerEpochLayoutIsRefusedAndForceStartsAfresh() throws Exception {
        ExperimentConfig config = ExperimentConfig.load(null,
                List.of("trials=2", "epochs=4", "output=\"" + dir + "\""));
        ExperimentStore store = new ExperimentStore(dir.toString(), new Configuration());
        store.writeManifest(Manifest.update(Optional.empty(), "old", Map.of("mixfarm.config", config.render(),
                "mixfarm.identity_hash", ExperimentFolder.identityHash(config))));
        ExperimentFolder folder = ExperimentFolder.at(dir.toString(), new Configuration());
        folder.claim(config, false);
        Path epochFolder = dir.resolve("predictions/schedule=Const/epoch=4");
        Files.createDirectories(epochFolder);
        Files.write(epochFolder.resolve("trial-00000.parquet"), new byte[] {1});

        ExperimentException refused = assertThrows(ExperimentException.class, () -> folder.claim(config, false));
        assertTrue(refused.getMessage().contains("per-epoch layout") && !refused.getMessage().contains("\n"),
                refused.getMessage());
        assertTrue(Files.exists(epochFolder.resolve("trial-00000.parquet")), "refusing deletes nothing");
        folder.claim(config, true);
        assertFalse(Files.exists(dir.resolve("predictions")));
        assertFalse(store.hasPerEpochPredictions());
    }
}
