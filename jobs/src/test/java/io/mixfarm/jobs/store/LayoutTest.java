package io.mixfarm.jobs.store;

import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LayoutTest {

    private final Layout layout = new Layout(new Path("file:/out"));

    @Test
    void pathsAreHivePartitioned() {
        assertEquals("file:/out/predictions/schedule=LR-decay/trial-00007.parquet",
                layout.predictions("LR-decay", 7).toString());
        assertEquals("file:/out/predictions/schedule=LR-decay/epoch=120/trial-00007.parquet",
                layout.perEpochPredictions("LR-decay", 120, 7).toString());
        assertEquals("file:/out/metrics/schedule=Const/trial-00007.parquet", layout.metrics("Const", 7).toString());
        assertEquals("file:/out/trials/schedule=Const/trial-123456.parquet", layout.trialRow("Const", 123456).toString());
        assertEquals("file:/out/experiment.json", layout.manifest().toString());
    }

    @Test
    void trialFileNamesParseBack() {
        assertEquals(7, Layout.trialOf("trial-00007.parquet"));
        assertEquals(123456, Layout.trialOf("trial-123456.parquet"));
        assertEquals(-1, Layout.trialOf(".trial-00007.parquet.1234.tmp"));
        assertEquals(-1, Layout.trialOf("trial-00007.parquet.crc"));
        assertEquals("Const", Layout.partitionValue("schedule=Const", "schedule"));
        assertNull(Layout.partitionValue("epoch=3", "schedule"));
    }

    /** Spark skips the leading dot, DuckDB's *.parquet glob the ending (it does not skip dot files). */
    @Test
    void tempNamesAreHiddenAndDoNotEndInParquet() {
        Path target = layout.metrics("Const", 7);
        Path temp = Layout.temporary(target);
        assertEquals(target.getParent(), temp.getParent());
        assertTrue(temp.getName().startsWith(".trial-00007.parquet."), temp.getName());
        assertFalse(temp.getName().endsWith(".parquet"), temp.getName());
        assertTrue(Layout.isTemporaryOf(temp.getName(), target.getName()));
        assertFalse(Layout.isTemporaryOf(temp.getName(), "trial-00070.parquet"));
        assertNotEquals(temp, Layout.temporary(target));
    }
}
