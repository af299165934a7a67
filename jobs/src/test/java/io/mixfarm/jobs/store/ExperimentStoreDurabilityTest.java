package io.mixfarm.jobs.store;

import io.mixfarm.core.trial.EpochPredictions;
import io.mixfarm.core.trial.TrialResult;
import io.mixfarm.jobs.config.TrialKey;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Temp files, ordering, idempotent rewrites, failed rows, deletion and the manifest. */
class ExperimentStoreDurabilityTest {

    @TempDir
    Path dir;

    private Path out;
    private ExperimentStore store;

    @BeforeEach
    void openStore() {
        out = dir.resolve("out");
        store = new ExperimentStore(out.toString(), new Configuration());
    }

    @Test
    void emptyFolderHasNoTrials() {
        assertEquals(Map.of(), store.trials());
        assertEquals(Set.of(), store.succeeded());
        assertEquals(Optional.empty(), store.readManifest());
        assertEquals(out.toString(), store.output());
    }

    @Test
    void writingLeavesNoTempFiles() throws IOException {
        write("Const", 7, "host-a");
        store.writeFailure(Fixtures.failed("Const", 8, "boom"), Fixtures.PROVENANCE);
        store.writeManifest("{}");
        assertEquals(List.of(), tempFiles());
    }

    @Test
    void leftoversOfACrashedAttemptAreInvisible() throws Exception {
        write("Const", 7, "host-a");
        // A crashed attempt of trial 8 got as far as complete temp files, even of its trials row, then died.
        Path predictions = out.resolve("predictions/schedule=Const");
        Files.copy(predictions.resolve("trial-00007.parquet"),
                predictions.resolve(".trial-00008.parquet.0b5e8e8c-crashed.tmp"));
        Path trials = out.resolve("trials/schedule=Const");
        Files.copy(trials.resolve("trial-00007.parquet"), trials.resolve(".trial-00008.parquet.0b5e8e8c-crashed.tmp"));
        Files.writeString(out.resolve("metrics/schedule=Const/.trial-00008.parquet.0b5e8e8c-crashed.tmp"), "PAR1 trunc");

        assertEquals(keys("Const/7"), store.succeeded());
        assertEquals(keys("Const/7"), store.trials().keySet());
        for (String dataset : List.of("predictions", "metrics", "trials")) {
            assertEquals(1L, ((Number) DuckDb.value(
                    "SELECT count(DISTINCT trial) FROM " + DuckDb.dataset(out.toString(), dataset))).longValue(), dataset);
        }

        // The retry writes the trial for real; the leftovers stay invisible until deleteTrial clears them.
        write("Const", 8, "host-b");
        assertEquals(keys("Const/7", "Const/8"), store.succeeded());
        store.deleteTrial("Const", 8);
        assertEquals(List.of(), tempFiles());
    }

    @Test
    void writingATrialAgainKeepsTheFirstCopy() throws Exception {
        write("Const", 7, "host-a");
        byte[] first = Files.readAllBytes(predictionFile("Const", 7));

        // A speculative attempt on another host; its predictions differ only to show which copy survives.
        TrialResult other = shifted(Fixtures.result("Const", 7));
        store.writeTrial("Const", 7, other, Fixtures.labels(), Fixtures.succeeded("Const", 7, "host-b"),
                Map.of("spark.app.id", "local-2"));

        assertArrayEquals(first, Files.readAllBytes(predictionFile("Const", 7)));
        assertEquals("host-a", store.trials().get(new TrialKey("Const", 7)).host());
        assertEquals(Fixtures.PROVENANCE.get("spark.app.id"), DuckDb.keyValueMetadata(
                out.resolve("trials/schedule=Const/trial-00007.parquet").toString()).get("spark.app.id"));
        assertEquals(2L * Fixtures.IMAGES, ((Number) DuckDb.value(
                "SELECT count(*) FROM " + DuckDb.dataset(out.toString(), "predictions"))).longValue());
        assertEquals(List.of(), tempFiles());
    }

    @Test
    void aFailedRowIsReplacedByALaterSuccess() {
        store.writeFailure(Fixtures.failed("WD-decay", 3, "NaN loss"), Fixtures.PROVENANCE);
        assertEquals(TrialStatus.FAILED, store.trials().get(new TrialKey("WD-decay", 3)).status());
        assertEquals(Set.of(), store.succeeded());

        // A later failure replaces the earlier one: the newest error is the one worth reading.
        TrialRecord second = Fixtures.failed("WD-decay", 3, "executor lost");
        store.writeFailure(second, Fixtures.PROVENANCE);
        assertEquals(second, store.trials().get(new TrialKey("WD-decay", 3)));

        // Resume reruns the failed trial, and its success replaces the failed row.
        write("WD-decay", 3, "host-r");
        assertEquals(Fixtures.succeeded("WD-decay", 3, "host-r"), store.trials().get(new TrialKey("WD-decay", 3)));
        assertEquals(keys("WD-decay/3"), store.succeeded());

        // A failure reported after the success (a late speculative attempt) does not undo it.
        store.writeFailure(Fixtures.failed("WD-decay", 3, "late"), Fixtures.PROVENANCE);
        assertEquals(keys("WD-decay/3"), store.succeeded());
    }

    @Test
    void aDivergedTrialKeepsItsMetricsAndEarlierPredictionsAndItsRowIsFinal() throws Exception {
        TrialResult diverged = Fixtures.diverged("Const", 5);
        TrialRecord row = TrialRecord.finished("Const", 5, diverged, "host-d", "cpu:2-threads", 0, Fixtures.START,
                Fixtures.END, Fixtures.IMPLEMENTATION, Fixtures.DATA);
        store.writeTrial("Const", 5, diverged, Fixtures.labels(), row, Fixtures.PROVENANCE);

        assertEquals(row, store.trials().get(new TrialKey("Const", 5)));
        assertEquals(Set.of(), store.succeeded(), "a diverged trial is not complete in the sense of a sample");
        assertEquals(3L, ((Number) DuckDb.value("SELECT count(*) FROM " + DuckDb.dataset(out.toString(), "metrics")
                + " WHERE trial = 5")).longValue(), "metrics up to the epoch it diverged in");
        assertEquals(2, ((Number) DuckDb.value("SELECT max(epoch) FROM "
                + DuckDb.dataset(out.toString(), "predictions") + " WHERE trial = 5")).intValue(),
                "predictions of the record epochs before it only");
        assertEquals("diverged", DuckDb.value("SELECT status FROM " + DuckDb.dataset(out.toString(), "trials")
                + " WHERE trial = 5"));

        // A late failing attempt does not replace it: the trial is deterministic, its result stands.
        store.writeFailure(Fixtures.failed("Const", 5, "late"), Fixtures.PROVENANCE);
        assertEquals(row, store.trials().get(new TrialKey("Const", 5)));
        // writeTrial refuses a row that contradicts the result.
        assertThrows(IllegalArgumentException.class, () -> store.writeTrial("Const", 5, diverged, Fixtures.labels(),
                Fixtures.succeeded("Const", 5, "host-x"), Fixtures.PROVENANCE));
    }

    @Test
    void deleteTrialRemovesItFromAllThreeDatasets() throws Exception {
        write("Const", 7, "host-a");
        write("Const", 8, "host-a");
        write("LR-decay", 7, "host-a");
        store.deleteTrial("Const", 7);

        assertEquals(keys("Const/8", "LR-decay/7"), store.succeeded());
        for (String dataset : List.of("predictions", "metrics", "trials")) {
            List<Map<String, Object>> rows = DuckDb.rows("SELECT DISTINCT schedule, trial FROM "
                    + DuckDb.dataset(out.toString(), dataset) + " ORDER BY schedule, trial");
            assertEquals(List.of(Map.of("schedule", "Const", "trial", 8), Map.of("schedule", "LR-decay", "trial", 7)),
                    rows, dataset);
        }
        store.deleteTrial("Const", 99); // nothing to delete is fine
        store.deleteTrial("Unknown", 1);
    }

    @Test
    void manifestRoundTripReplacesAtomically() throws IOException {
        store.writeManifest("{\"seed\": 1, \"name\": \"première\"}");
        assertEquals(Optional.of("{\"seed\": 1, \"name\": \"première\"}"), store.readManifest());
        store.writeManifest("{\"seed\": 2}");
        assertEquals(Optional.of("{\"seed\": 2}"), store.readManifest());
        assertEquals("{\"seed\": 2}", Files.readString(out.resolve("experiment.json")));
        assertEquals(List.of(), tempFiles());
    }

    @Test
    void deleteOutputsLeavesUnrelatedFilesAlone() throws IOException {
        write("Const", 7, "host-a");
        store.writeManifest("{}");
        Files.writeString(out.resolve("notes.txt"), "keep me");
        Files.createDirectories(out.resolve("logs"));
        Files.writeString(out.resolve("logs/driver.log"), "keep me too");
        Files.writeString(out.resolve(".experiment.json.crashed.tmp"), "{");

        store.deleteOutputs();

        assertEquals(Map.of(), store.trials());
        assertEquals(Optional.empty(), store.readManifest());
        try (Stream<Path> left = Files.walk(out)) {
            assertEquals(List.of("logs", "logs/driver.log", "notes.txt"), left.filter(p -> !p.equals(out))
                    .map(p -> out.relativize(p).toString()).sorted().toList());
        }
        store.deleteOutputs(); // twice is fine
    }

    @Test
    void survivesJavaSerialisationWithItsConfiguration() throws Exception {
        write("Const", 7, "host-a");
        Configuration conf = new Configuration();
        conf.set("mixfarm.test.marker", "carried");
        ExperimentStore copy = roundTrip(new ExperimentStore(out.toString(), conf));
        assertEquals(out.toString(), copy.output());
        assertEquals("carried", copy.hadoop().get("mixfarm.test.marker"));
        assertEquals(keys("Const/7"), copy.succeeded());
    }

    @Test
    void rejectsInconsistentArguments() {
        TrialResult result = Fixtures.result("Const", 7);
        byte[] labels = Fixtures.labels();
        assertThrows(IllegalArgumentException.class, () -> store.writeTrial("Const", 8, result, labels,
                Fixtures.succeeded("Const", 7, "h"), Fixtures.PROVENANCE));
        assertThrows(IllegalArgumentException.class, () -> store.writeTrial("Const", 7, result, labels,
                Fixtures.failed("Const", 7, "x"), Fixtures.PROVENANCE));
        assertThrows(IllegalArgumentException.class, () -> store.writeFailure(Fixtures.succeeded("Const", 7, "h"),
                Fixtures.PROVENANCE));
        assertThrows(IllegalArgumentException.class, () -> store.writeTrial("Const", 7, result,
                Arrays.copyOf(labels, 10), Fixtures.succeeded("Const", 7, "h"), Fixtures.PROVENANCE));
        byte[] tooManyClasses = labels.clone();
        tooManyClasses[3] = (byte) 200;
        assertThrows(IllegalArgumentException.class, () -> store.writeTrial("Const", 7, result, tooManyClasses,
                Fixtures.succeeded("Const", 7, "h"), Fixtures.PROVENANCE));
        // A rejected trial leaves nothing behind, not even temp files.
        assertEquals(Map.of(), store.trials());
        assertFalse(Files.exists(out.resolve("trials")));
    }

    @Test
    void anUnreadableTrialsFileIsAnErrorNamingIt() throws IOException {
        Files.createDirectories(out.resolve("trials/schedule=Const"));
        Files.writeString(out.resolve("trials/schedule=Const/trial-00001.parquet"), "not parquet");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, store::trials);
        assertTrue(e.getMessage().contains(out.toString()), e.getMessage());
        assertTrue(e.getCause().getMessage().contains("trial-00001.parquet"), e.getCause().getMessage());
    }

    private void write(String schedule, int trial, String host) {
        store.writeTrial(schedule, trial, Fixtures.result(schedule, trial), Fixtures.labels(),
                Fixtures.succeeded(schedule, trial, host), Fixtures.PROVENANCE);
    }

    private Path predictionFile(String schedule, int trial) {
        return out.resolve("predictions/schedule=" + schedule + "/" + Layout.fileName(trial));
    }

    /** The result with every prediction moved to the next class. */
    private static TrialResult shifted(TrialResult result) {
        List<EpochPredictions> predictions = result.predictions().stream().map(p -> {
            byte[] moved = p.predicted().clone();
            for (int i = 0; i < moved.length; i++) {
                moved[i] = (byte) ((moved[i] + 1) % 10);
            }
            return new EpochPredictions(p.epoch(), moved);
        }).toList();
        return new TrialResult(result.spec(), result.epochs(), predictions, result.wallSeconds());
    }

    /** Temp files anywhere under the output folder. */
    private List<Path> tempFiles() throws IOException {
        if (!Files.exists(out)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(out)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".tmp")
                    || p.getFileName().toString().endsWith(".tmp.crc")).toList();
        }
    }

    private static ExperimentStore roundTrip(ExperimentStore store) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(store);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (ExperimentStore) in.readObject();
        }
    }

    private static Set<TrialKey> keys(String... keys) {
        return Arrays.stream(keys).map(TrialKey::parse).collect(Collectors.toSet());
    }
}
