package io.mixfarm.jobs.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mixfarm.jobs.config.TrialKey;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrialRecordTest {

    @Test
    void succeededTakesSeedsSpecAndFinalErrorsFromTheResult() {
        TrialRecord record = Fixtures.succeeded("LR-decay", 7, "host-a");
        assertEquals(TrialStatus.SUCCEEDED, record.status());
        assertTrue(record.isSucceeded());
        assertEquals(47, record.seed());
        assertEquals(1047, record.initSeed());
        assertEquals(0.5 / Fixtures.EPOCHS, record.finalTrainError());
        assertEquals(0.6 / Fixtures.EPOCHS, record.finalTestError());
        assertEquals(61.5, record.wallSeconds());
        assertNull(record.error());
        assertEquals(new TrialKey("LR-decay", 7), record.key());
    }

    @Test
    void failedHasNoFinalErrorsAndTheSpanAsWallTime() {
        TrialRecord record = Fixtures.failed("Const", 3, "NaN loss at epoch 2");
        assertFalse(record.isSucceeded());
        assertNull(record.finalTrainError());
        assertNull(record.finalTestError());
        assertEquals(61.5, record.wallSeconds());
        assertEquals("NaN loss at epoch 2", record.error());
    }

    @Test
    void aDivergedTrialsRowSaysWhyAndHasNoFinalErrors() {
        TrialRecord record = TrialRecord.finished("Const", 3, Fixtures.diverged("Const", 3), "host-d", "cpu:1-threads",
                0, Fixtures.START, Fixtures.END, Fixtures.IMPLEMENTATION, Fixtures.DATA);
        assertEquals(TrialStatus.DIVERGED, record.status());
        assertFalse(record.isSucceeded());
        assertNull(record.finalTrainError());
        assertNull(record.finalTestError());
        assertEquals("diverged in epoch 3: train loss NaN", record.error());
        assertEquals(61.5, record.wallSeconds());
    }

    @Test
    void statusIsStoredLowercaseAndReadBackByThatSpellingOnly() {
        for (TrialStatus status : TrialStatus.values()) {
            assertEquals(status, TrialStatus.parse(status.stored()));
        }
        assertEquals(List.of("succeeded", "failed", "diverged"),
                Arrays.stream(TrialStatus.values()).map(TrialStatus::stored).toList());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> TrialStatus.parse("running"));
        assertEquals("status must be one of \"succeeded\", \"failed\", \"diverged\", got \"running\"",
                bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TrialStatus.parse("SUCCEEDED"));
    }

    @Test
    void describeIsOneLineOfJsonWithWhatRerunsTheTrial() throws Exception {
        String json = TrialRecord.describe(Fixtures.spec("WD-decay", 5));
        assertFalse(json.contains("\n"));
        JsonNode node = new ObjectMapper().readTree(json);
        assertEquals("mnist-sample", node.get("dataset").asText());
        assertEquals("mnist-cnn", node.get("model").asText());
        assertEquals(8, node.get("width").asInt());
        assertEquals("WD-decay", node.get("schedule").asText());
        assertTrue(node.get("schedule_text").asText().startsWith("1: lr=0.1 wd=0.4"), json);
        assertEquals(Fixtures.EPOCHS, node.get("epochs").asInt());
        assertEquals(32, node.get("batch_size").asInt());
        assertEquals("[2,4]", node.get("record_epochs").toString());
        assertEquals(5, node.get("seed").asLong());
        assertEquals(1005, node.get("init_seed").asLong());
    }

    @Test
    void rejectsWhatTheFormatCannotHold() {
        TrialRecord ok = Fixtures.failed("Const", 3, "boom");
        assertThrows(NullPointerException.class, () -> copy(ok, "Const", 3, null, "boom"));
        assertThrows(IllegalArgumentException.class, () -> copy(ok, "Const", 3, TrialStatus.DIVERGED, null));
        assertThrows(IllegalArgumentException.class, () -> copy(ok, "Const", 3, TrialStatus.FAILED, null));
        assertThrows(IllegalArgumentException.class, () -> copy(ok, "Const", 3, TrialStatus.SUCCEEDED, "boom"));
        assertThrows(IllegalArgumentException.class, () -> copy(ok, "Const", -1, TrialStatus.FAILED, "boom"));
        // Schedule names become partition folders: no separators, no hidden names, a letter first.
        for (String bad : new String[] {"a/b", "_x", ".x", "x=y", "7", "a b", ""}) {
            assertThrows(IllegalArgumentException.class, () -> copy(ok, bad, 3, TrialStatus.FAILED, "boom"), bad);
        }
        assertEquals("LR-decay_2.b", copy(ok, "LR-decay_2.b", 3, TrialStatus.FAILED, "boom").schedule());
    }

    private static TrialRecord copy(TrialRecord r, String schedule, int trial, TrialStatus status, String error) {
        return new TrialRecord(schedule, trial, status, r.seed(), r.initSeed(), r.spec(), r.host(), r.device(),
                r.attempt(), r.startMillis(), r.endMillis(), r.wallSeconds(), null, null, error, r.implementation(),
                r.data());
    }
}
