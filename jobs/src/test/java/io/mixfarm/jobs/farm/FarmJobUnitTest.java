package io.mixfarm.jobs.farm;

import io.mixfarm.jobs.config.ExperimentConfig;
import io.mixfarm.jobs.store.ExperimentStore;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FarmJobUnitTest {

    @ParameterizedTest(name = "{0} -> last attempt {1}")
    @CsvSource(delimiter = ';', value = {
            "local; 0", "local[2]; 0", "local[*]; 0", "local[2,3]; 2", "local[*, 4]; 3",
            "spark://master:7077; 3", "yarn; 3", "local-cluster[2,1,2048]; 3"})
    void lastAttemptFollowsTheMaster(String master, int expected) {
        assertEquals(expected, FarmJob.lastAttempt(new SparkConf(false).set("spark.master", master)));
    }

    @ParameterizedTest(name = "maxFailures {0}")
    @CsvSource({"1, 0", "8, 7"})
    void lastAttemptOnAClusterFollowsMaxFailures(int maxFailures, int expected) {
        SparkConf conf = new SparkConf(false).set("spark.master", "yarn")
                .set("spark.task.maxFailures", Integer.toString(maxFailures));
        assertEquals(expected, FarmJob.lastAttempt(conf));
    }

    @Test
    void aFolderWrittenBeforeTheNormaliseAndAugmentKeysStillHoldsTheSameMnistExperiment(@TempDir Path dir) {
        ExperimentConfig config = ExperimentConfig.load(null,
                List.of("trials=2", "epochs=4", "output=\"" + dir + "\""));
        // What an older mixfarm recorded: the same experiment rendered without the two keys, under another identity.
        String oldRender = config.render().replace("    \"augment\": \"none\",\n", "")
                .replace("    \"normalise\": \"none\",\n", "");
        assertTrue(!oldRender.contains("augment") && !oldRender.contains("normalise"), oldRender);
        ExperimentStore store = new ExperimentStore(dir.toString(), new Configuration());
        store.writeManifest(Manifest.update(Optional.empty(), "old", Map.of("mixfarm.config", oldRender,
                "mixfarm.identity_hash", "0123456789abcdef")));

        FarmJob.claimOutputFolder(store, config, false);
        FarmException other = assertThrows(FarmException.class, () -> FarmJob.claimOutputFolder(store,
                ExperimentConfig.load(null, List.of("trials=2", "epochs=4", "augment=pad-crop-flip",
                        "output=\"" + dir + "\"")), false));
        assertTrue(other.getMessage().contains("holds another experiment"), other.getMessage());
    }

    /**
     * A resume must not add per-trial files beside per-epoch ones (Spark refuses such a dataset): the folder of an
     * earlier layout is refused with one line, and --force starts afresh.
     */
    @Test
    void aFolderOfThePerEpochLayoutIsRefusedAndForceStartsAfresh(@TempDir Path dir) throws Exception {
        ExperimentConfig config = ExperimentConfig.load(null,
                List.of("trials=2", "epochs=4", "output=\"" + dir + "\""));
        ExperimentStore store = new ExperimentStore(dir.toString(), new Configuration());
        store.writeManifest(Manifest.update(Optional.empty(), "old", Map.of("mixfarm.config", config.render(),
                "mixfarm.identity_hash", FarmJob.identityHash(config))));
        FarmJob.claimOutputFolder(store, config, false);
        Path epochFolder = dir.resolve("predictions/schedule=Const/epoch=4");
        Files.createDirectories(epochFolder);
        Files.write(epochFolder.resolve("trial-00000.parquet"), new byte[] {1});

        FarmException refused = assertThrows(FarmException.class, () -> FarmJob.claimOutputFolder(store, config,
                false));
        assertTrue(refused.getMessage().contains("per-epoch layout") && !refused.getMessage().contains("\n"),
                refused.getMessage());
        assertTrue(Files.exists(epochFolder.resolve("trial-00000.parquet")), "refusing deletes nothing");
        FarmJob.claimOutputFolder(store, config, true);
        assertFalse(Files.exists(dir.resolve("predictions")));
        assertFalse(store.hasPerEpochPredictions());
    }
}
