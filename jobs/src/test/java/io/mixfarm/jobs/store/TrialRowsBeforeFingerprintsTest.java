package io.mixfarm.jobs.store;

import io.mixfarm.jobs.config.TrialKey;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Folders written before the trials table had fingerprints still read back, with the fingerprints unknown. */
class TrialRowsBeforeFingerprintsTest {

    @TempDir
    Path dir;

    @Test
    void oldRowsReadBackWithUnknownFingerprintsBesideNewOnes() throws Exception {
        String out = dir.resolve("out").toString();
        ExperimentStore store = new ExperimentStore(out, new Configuration());
        for (int trial : List.of(7, 8)) {
            TrialRecord record = Fixtures.succeeded("Const", trial, "host-a");
            store.writeTrial("Const", trial, Fixtures.result("Const", trial), Fixtures.labels(), record,
                    Fixtures.PROVENANCE);
        }
        TrialRows.rewriteBeforeFingerprints(out, Fixtures.succeeded("Const", 7, "host-a"));

        Map<String, String> oldSchema = DuckDb.describe("read_parquet('" + out
                + "/trials/schedule=Const/trial-00007.parquet')");
        assertTrue(oldSchema.containsKey("error") && !oldSchema.containsKey("implementation")
                && !oldSchema.containsKey("data_fingerprint"), "the old row really lacks the columns: " + oldSchema);
        Map<TrialKey, TrialRecord> trials = new ExperimentStore(out, new Configuration()).trials();
        TrialRecord old = trials.get(new TrialKey("Const", 7));
        assertNull(old.implementation());
        assertNull(old.data());
        assertEquals(TrialRows.withFingerprints(Fixtures.succeeded("Const", 7, "host-a"), null, null), old);
        assertEquals(Fixtures.succeeded("Const", 8, "host-a"), trials.get(new TrialKey("Const", 8)));
    }
}
