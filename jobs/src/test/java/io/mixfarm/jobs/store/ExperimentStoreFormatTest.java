package io.mixfarm.jobs.store;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
        assertTrue(types.get("epoch").matches("BIGINT|INTEGER"), types.toString());
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
    void predictionRowsAreSortedByImage() throws Exception {
        String file = out + "/predictions/schedule=LR-decay/epoch=4/trial-00008.parquet";
        List<Map<String, Object>> rows = DuckDb.rows(
                "SELECT image, file_row_number FROM read_parquet('" + file + "', file_row_number=true)");
        assertEquals(Fixtures.IMAGES, rows.size());
        for (Map<String, Object> row : rows) {
            assertEquals(((Number) row.get("file_row_number")).intValue(), row.get("image"));
        }
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
        for (String file : List.of("predictions/schedule=Const/epoch=2/trial-00007.parquet",
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
        Map<String, TrialRecord> trials = store.trials();
        assertEquals(List.of("Const/7", "Const/8", "Const/9", "LR-decay/7", "LR-decay/8"), List.copyOf(trials.keySet()));
        assertEquals(Fixtures.succeeded("LR-decay", 8, "host-a"), trials.get("LR-decay/8"));
        assertEquals(Fixtures.failed("Const", 9, "CUDA out of memory"), trials.get("Const/9"));
        assertEquals(List.of("Const/7", "Const/8", "LR-decay/7", "LR-decay/8"), List.copyOf(store.succeeded()));
    }
}
