package io.mixfarm.jobs.store;

import io.mixfarm.core.trial.EpochPredictions;
import io.mixfarm.core.trial.TrialResult;
import io.mixfarm.jobs.config.TrialKey;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What an independent reader (DuckDB) sees of the three datasets: rows, types, values, order, footers. */
class ExperimentStoreFormatTest {

    @TempDir
    static Path dir;

    private static String out;
    private static ExperimentStore store;

    /** The tests only read, so the folder is written once: four succeeded trials and a failed one. */
    @BeforeAll
    static void writeTrials() {
        out = dir.resolve("out").toString();
        store = new ExperimentStore(out, new Configuration());
        for (String schedule : List.of("Const", "LR-decay")) {
            for (int trial : List.of(7, 8)) {
                store.writeTrial(schedule, trial, Fixtures.result(schedule, trial), Fixtures.labels(),
                        Fixtures.succeeded(schedule, trial, "host-a"), Fixtures.PROVENANCE);
            }
        }
        store.writeFailure(Fixtures.failed("Const", 9, "CUDA out of memory"), Fixtures.PROVENANCE);
    }

    @Test
    void predictionsHaveCompactTypesAndPartitionColumns() throws Exception {
        Map<String, String> types = DuckDb.describe(DuckDb.dataset(out, "predictions"));
        assertEquals("INTEGER", types.get("trial"));
        assertEquals("INTEGER", types.get("image"));
        assertEquals("TINYINT", types.get("predicted"));
        assertEquals("TINYINT", types.get("label"));
        assertEquals("VARCHAR", types.get("schedule"));
        assertEquals("INTEGER", types.get("epoch"));
        assertEquals(6, types.size(), types.toString());
    }

    @Test
    void predictionsHoldEveryImageOfEveryRecordEpoch() throws Exception {
        String predictions = DuckDb.dataset(out, "predictions");
        assertEquals(4L * Fixtures.RECORD_EPOCHS.size() * Fixtures.IMAGES,
                ((Number) DuckDb.value("SELECT count(*) FROM " + predictions)).longValue());
        assertEquals(Fixtures.RECORD_EPOCHS.size() * 2L, ((Number) DuckDb.value(
                "SELECT count(DISTINCT (schedule, epoch)) FROM " + predictions)).longValue());
        List<Map<String, Object>> rows = DuckDb.rows(
                "SELECT schedule, epoch, trial, image, predicted, label FROM " + predictions);
        for (Map<String, Object> row : rows) {
            int trial = (Integer) row.get("trial");
            int epoch = ((Number) row.get("epoch")).intValue();
            int image = (Integer) row.get("image");
            assertEquals(Fixtures.predicted(trial, epoch, image), ((Number) row.get("predicted")).intValue(), row::toString);
            assertEquals(image % 10, ((Number) row.get("label")).intValue(), row::toString);
        }
    }

    @Test
    void predictionsReadBackByImage() {
        byte[] predicted = store.predictions("LR-decay", 8, 4).orElseThrow();
        assertEquals(Fixtures.IMAGES, predicted.length);
        for (int i = 0; i < predicted.length; i++) {
            assertEquals(Fixtures.predicted(8, 4, i), predicted[i]);
        }
        assertTrue(store.predictions("LR-decay", 8, 3).isEmpty());
        assertTrue(store.predictions("Const", 9, 4).isEmpty());
    }

    @Test
    void predictionRowsAreSortedByEpochThenImage() throws Exception {
        String file = out + "/predictions/schedule=LR-decay/trial-00008.parquet";
        List<Map<String, Object>> rows = DuckDb.rows("SELECT epoch, image, file_row_number FROM read_parquet('"
                + file + "', file_row_number=true) ORDER BY file_row_number");
        assertEquals(Fixtures.RECORD_EPOCHS.size() * Fixtures.IMAGES, rows.size());
        for (Map<String, Object> row : rows) {
            int k = ((Number) row.get("file_row_number")).intValue();
            assertEquals(Fixtures.RECORD_EPOCHS.get(k / Fixtures.IMAGES), row.get("epoch"), row::toString);
            assertEquals(k % Fixtures.IMAGES, row.get("image"), row::toString);
        }
    }

    /** What lets a reader of one epoch skip the others: one row group per epoch, its epoch in the footer. */
    @Test
    void eachRecordEpochIsOneRowGroupWithItsEpochAsMinAndMax() throws Exception {
        String file = out + "/predictions/schedule=Const/trial-00007.parquet";
        List<Map<String, Object>> groups = DuckDb.rows("SELECT row_group_id, row_group_num_rows, stats_min, stats_max"
                + " FROM parquet_metadata('" + file + "') WHERE path_in_schema = 'epoch' ORDER BY row_group_id");
        assertEquals(Fixtures.RECORD_EPOCHS.size(), groups.size(), groups.toString());
        for (int g = 0; g < groups.size(); g++) {
            String epoch = Integer.toString(Fixtures.RECORD_EPOCHS.get(g));
            assertEquals(epoch, groups.get(g).get("stats_min"), groups.toString());
            assertEquals(epoch, groups.get(g).get("stats_max"), groups.toString());
            assertEquals((long) Fixtures.IMAGES, ((Number) groups.get(g).get("row_group_num_rows")).longValue());
        }
    }

    /** Another writer may put several epochs in one row group: the reader then picks the epoch's rows. */
    @Test
    void aRowGroupOfSeveralEpochsIsReadRowByRow(@TempDir Path other) throws Exception {
        Path file = other.resolve("predictions/schedule=Const/trial-00003.parquet");
        Files.createDirectories(file.getParent());
        SimpleGroupFactory rows = new SimpleGroupFactory(ParquetSchemas.PREDICTIONS);
        try (var writer = ExampleParquetWriter.builder(HadoopOutputFile.fromPath(
                        new org.apache.hadoop.fs.Path(file.toUri()), new Configuration()))
                .withType(ParquetSchemas.PREDICTIONS).build()) {
            // Epochs interleaved and images in reverse: nothing but the columns says which row is which.
            for (int image = Fixtures.IMAGES - 1; image >= 0; image--) {
                for (int epoch : List.of(4, 2)) {
                    writer.write(rows.newGroup().append("trial", 3).append("epoch", epoch).append("image", image)
                            .append("predicted", Fixtures.predicted(3, epoch, image)).append("label", image % 10));
                }
            }
        }
        ExperimentStore foreign = new ExperimentStore(other.toString(), new Configuration());
        for (int epoch : List.of(2, 4)) {
            byte[] predicted = foreign.predictions("Const", 3, epoch).orElseThrow();
            for (int image = 0; image < Fixtures.IMAGES; image++) {
                assertEquals(Fixtures.predicted(3, epoch, image), predicted[image], "epoch " + epoch);
            }
        }
        assertTrue(foreign.predictions("Const", 3, 3).isEmpty());
    }

    /** Three files per trial, one per dataset, however many epochs it recorded. */
    @Test
    void aTrialIsThreeFilesWhateverItsRecordEpochs(@TempDir Path other) throws Exception {
        ExperimentStore fresh = new ExperimentStore(other.toString(), new Configuration());
        TrialResult two = Fixtures.result("Const", 1);
        List<EpochPredictions> every = new ArrayList<>();
        for (int epoch = 1; epoch <= 40; epoch++) {
            every.add(new EpochPredictions(epoch, two.predictions().get(epoch % 2).predicted()));
        }
        TrialResult forty = new TrialResult(two.spec(), two.epochs(), every, two.wallSeconds());
        fresh.writeTrial("Const", 1, two, Fixtures.labels(), Fixtures.succeeded("Const", 1, "h"),
                Fixtures.PROVENANCE);
        fresh.writeTrial("Const", 2, forty, Fixtures.labels(),
                TrialRecord.finished("Const", 2, forty, "h", "cpu:2-threads", 1, Fixtures.START, Fixtures.END,
                        Fixtures.IMPLEMENTATION, Fixtures.DATA),
                Fixtures.PROVENANCE);
        for (int trial : List.of(1, 2)) {
            try (Stream<Path> files = Files.walk(other)) {
                assertEquals(List.of("metrics/schedule=Const", "predictions/schedule=Const", "trials/schedule=Const"),
                        files.filter(p -> p.getFileName().toString().equals(Layout.fileName(trial)))
                                .map(p -> other.relativize(p.getParent()).toString()).sorted().toList());
            }
        }
        assertEquals(40L, ((Number) DuckDb.value("SELECT count(*) FROM parquet_metadata('" + other
                + "/predictions/schedule=Const/trial-00002.parquet') WHERE path_in_schema = 'epoch'")).longValue());
        byte[] predicted = fresh.predictions("Const", 2, 17).orElseThrow();
        assertArrayEquals(every.get(16).predicted(), predicted);
    }

    /** Folders written before the per-trial file read the same, through the store and through DuckDB's glob. */
    @Test
    void aFolderOfThePerEpochLayoutReadsAlike(@TempDir Path old) throws Exception {
        ExperimentStore earlier = new ExperimentStore(old.toString(), new Configuration());
        for (int trial : List.of(7, 8)) {
            earlier.writeTrial("LR-decay", trial, Fixtures.result("LR-decay", trial), Fixtures.labels(),
                    Fixtures.succeeded("LR-decay", trial, "host-a"), Fixtures.PROVENANCE);
        }
        assertFalse(earlier.hasPerEpochPredictions());
        PerEpochLayout.rewrite(old);
        assertTrue(Files.exists(old.resolve("predictions/schedule=LR-decay/epoch=4/trial-00008.parquet")));
        assertTrue(earlier.hasPerEpochPredictions());
        assertFalse(store.hasPerEpochPredictions());

        assertArrayEquals(store.predictions("LR-decay", 8, 4).orElseThrow(),
                earlier.predictions("LR-decay", 8, 4).orElseThrow());
        assertTrue(earlier.predictions("LR-decay", 8, 3).isEmpty());
        String query = "SELECT schedule, epoch, trial, image, predicted, label FROM %s WHERE schedule = 'LR-decay'"
                + " ORDER BY ALL";
        // Compared as text: the old layout's epoch is a partition value, which DuckDB may type BIGINT.
        assertEquals(DuckDb.rows(query.formatted(DuckDb.dataset(out, "predictions"))).toString(),
                DuckDb.rows(query.formatted(DuckDb.dataset(old.toString(), "predictions"))).toString());

        earlier.deleteTrial("LR-decay", 8);
        assertTrue(earlier.predictions("LR-decay", 8, 4).isEmpty());
        assertTrue(earlier.predictions("LR-decay", 7, 4).isPresent());
    }

    @Test
    void metricsHaveOneRowPerEpochAndOneColumnPairPerGroup() throws Exception {
        String metrics = DuckDb.dataset(out, "metrics");
        Map<String, String> types = DuckDb.describe(metrics);
        assertEquals("INTEGER", types.get("trial"));
        assertEquals("INTEGER", types.get("epoch"));
        assertEquals("VARCHAR", types.get("schedule"));
        for (String column : List.of("lr", "wd", "train_loss", "train_error", "test_loss", "test_error", "norm",
                "effective_lr", "norm_conv1", "effective_lr_conv1", "norm_conv2", "effective_lr_conv2", "norm_fc1",
                "effective_lr_fc1", "train_seconds", "eval_seconds")) {
            assertEquals("DOUBLE", types.get(column), column);
        }
        assertEquals(19, types.size(), types.toString());

        assertEquals(4L * Fixtures.EPOCHS, ((Number) DuckDb.value("SELECT count(*) FROM " + metrics)).longValue());
        List<Map<String, Object>> rows = DuckDb.rows("SELECT * FROM " + metrics
                + " WHERE schedule = 'LR-decay' AND trial = 8 ORDER BY epoch");
        assertEquals(Fixtures.EPOCHS, rows.size());
        for (Map<String, Object> row : rows) {
            int e = (Integer) row.get("epoch");
            assertEquals(0.01 * e, row.get("wd"));
            assertEquals(2.0 / e, row.get("train_loss"));
            assertEquals(0.5 / e, row.get("train_error"));
            assertEquals(2.5 / e, row.get("test_loss"));
            assertEquals(0.6 / e, row.get("test_error"));
            assertEquals(100.0 + e, row.get("norm"));
            assertEquals(1e-4 * e, row.get("effective_lr"));
            assertEquals(10.0 * e + 2, row.get("norm_fc1"));
            assertEquals(0.01 * e + 1, row.get("effective_lr_conv2"));
            assertEquals(1.5 * e, row.get("train_seconds"));
            assertEquals(0.25 * e, row.get("eval_seconds"));
        }
    }

    @Test
    void trialsHaveTimestampsAndNullableOutcome() throws Exception {
        String trials = DuckDb.dataset(out, "trials");
        Map<String, String> types = DuckDb.describe(trials);
        assertEquals("INTEGER", types.get("trial"));
        assertEquals("VARCHAR", types.get("status"));
        assertEquals("BIGINT", types.get("seed"));
        assertEquals("BIGINT", types.get("init_seed"));
        assertEquals("INTEGER", types.get("attempt"));
        assertTrue(types.get("start_time").startsWith("TIMESTAMP"), types.toString());
        assertTrue(types.get("end_time").startsWith("TIMESTAMP"), types.toString());
        assertEquals("DOUBLE", types.get("final_test_error"));
        assertEquals("VARCHAR", types.get("error"));
        assertEquals("VARCHAR", types.get("implementation"));
        assertEquals("VARCHAR", types.get("data_fingerprint"));
        assertEquals(17, types.size(), types.toString());

        List<Map<String, Object>> rows = DuckDb.rows("SELECT schedule, trial, status, seed, init_seed, host, device,"
                + " attempt, epoch_ms(start_time) AS start_ms, epoch_ms(end_time) AS end_ms, wall_seconds,"
                + " final_train_error, final_test_error, error, spec, implementation, data_fingerprint FROM " + trials
                + " ORDER BY schedule, trial");
        assertEquals(5, rows.size());
        Map<String, Object> ok = rows.get(0);
        assertEquals("Const", ok.get("schedule"));
        assertEquals(7, ok.get("trial"));
        assertEquals("succeeded", ok.get("status"));
        assertEquals(47L, ok.get("seed"));
        assertEquals(1047L, ok.get("init_seed"));
        assertEquals("host-a", ok.get("host"));
        assertEquals("cpu:2-threads", ok.get("device"));
        assertEquals(1, ok.get("attempt"));
        assertEquals(Fixtures.START, ok.get("start_ms"));
        assertEquals(Fixtures.END, ok.get("end_ms"));
        assertEquals(61.5, ok.get("wall_seconds"));
        assertEquals(0.6 / Fixtures.EPOCHS, ok.get("final_test_error"));
        assertNull(ok.get("error"));
        assertEquals(TrialRecord.describe(Fixtures.spec("Const", 47)), ok.get("spec"));
        assertEquals("mixfarm=0.1.0-SNAPSHOT commit=6b9cd0a1f2e3d4c5b6a79881726354453627180a kernels=fused nd4j=CPU",
                ok.get("implementation"));
        assertEquals("sha256:" + "0123456789abcdef".repeat(4), ok.get("data_fingerprint"));

        Map<String, Object> failed = rows.get(2);
        assertEquals(9, failed.get("trial"));
        assertEquals("failed", failed.get("status"));
        assertNull(failed.get("final_train_error"));
        assertNull(failed.get("final_test_error"));
        assertEquals("CUDA out of memory", failed.get("error"));
    }

    @Test
    void everyFileCarriesTheProvenance() throws Exception {
        for (String file : List.of("predictions/schedule=Const/trial-00007.parquet",
                "metrics/schedule=Const/trial-00007.parquet", "trials/schedule=Const/trial-00007.parquet",
                "trials/schedule=Const/trial-00009.parquet")) {
            Map<String, String> metadata = DuckDb.keyValueMetadata(out + "/" + file);
            for (Map.Entry<String, String> entry : Fixtures.PROVENANCE.entrySet()) {
                assertEquals(entry.getValue(), metadata.get(entry.getKey()), file + " " + entry.getKey());
            }
        }
    }

    @Test
    void trialsReadsBackEveryRowAsWritten() {
        Map<TrialKey, TrialRecord> trials = store.trials();
        assertEquals(List.of("Const/7", "Const/8", "Const/9", "LR-decay/7", "LR-decay/8"),
                trials.keySet().stream().map(TrialKey::toString).toList());
        assertEquals(Fixtures.succeeded("LR-decay", 8, "host-a"), trials.get(new TrialKey("LR-decay", 8)));
        assertEquals(Fixtures.failed("Const", 9, "CUDA out of memory"), trials.get(new TrialKey("Const", 9)));
        assertEquals(List.of("Const/7", "Const/8", "LR-decay/7", "LR-decay/8"),
                store.succeeded().stream().map(TrialKey::toString).toList());
    }
}
