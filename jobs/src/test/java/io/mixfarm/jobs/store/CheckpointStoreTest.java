package io.mixfarm.jobs.store;

import io.mixfarm.core.schedule.Schedule;
import io.mixfarm.core.trial.EpochMetrics;
import io.mixfarm.core.trial.EpochPredictions;
import io.mixfarm.core.trial.GroupStats;
import io.mixfarm.core.trial.TrialSnapshot;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checkpoints in the store: written atomically under {@code checkpoints/schedule=S/epoch=E/}, read back whole, never
 * a half-written one taken for complete, listed, deleted with their temp files, and removed by {@code --force}.
 */
class CheckpointStoreTest {

    @TempDir
    Path out;
    private ExperimentStore store;

    @BeforeEach
    void open() {
        store = new ExperimentStore(out.toString(), new Configuration());
    }

    @Test
    void aCheckpointIsWrittenUnderItsFolderAndReadBackWhole() throws IOException {
        TrialSnapshot snapshot = snapshot(2, 1f);
        store.writeCheckpoint("R", 7, snapshot);

        Path file = out.resolve("checkpoints/schedule=R/epoch=2/trial-00007.snapshot");
        assertTrue(Files.isRegularFile(file), "the layout's path");
        assertEquals(List.of(file.getFileName().toString()), names(file.getParent()), "no temp file left behind");
        TrialSnapshot read = store.checkpoint("R", 2, 7).orElseThrow();
        assertArrayEquals(snapshot.params(), read.params());
        assertEquals(snapshot.metrics(), read.metrics());
        assertEquals(Optional.empty(), store.checkpoint("R", 2, 6));
        assertEquals(Optional.empty(), store.checkpoint("R", 3, 7));
        assertEquals(List.of(new Checkpoint("R", 2, 7)), store.checkpoints());

        store.writeCheckpoint("R", 7, snapshot(2, 5f));
        assertEquals(1f, store.checkpoint("R", 2, 7).orElseThrow().params()[0], "the first complete copy is kept");
    }

    @Test
    void aHalfWrittenCheckpointIsNeverReadAsComplete() throws IOException {
        byte[] whole = snapshot(2, 1f).toBytes();
        Path folder = Files.createDirectories(out.resolve("checkpoints/schedule=R/epoch=2"));
        // A writer killed mid-write leaves its temp file: not a checkpoint.
        Path temp = folder.resolve(Layout.temporary(new org.apache.hadoop.fs.Path(folder.toString(),
                "trial-00003.snapshot")).getName());
        Files.write(temp, Arrays.copyOf(whole, whole.length / 2));
        assertEquals(List.of(), store.checkpoints());
        assertEquals(Optional.empty(), store.checkpoint("R", 2, 3));

        // Even a truncated file under the final name (a file system without atomic renames) is refused in one line.
        Path truncated = folder.resolve("trial-00003.snapshot");
        Files.write(truncated, Arrays.copyOf(whole, whole.length - 9));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store.checkpoint("R", 2, 3));
        assertTrue(e.getMessage().contains("trial-00003.snapshot") && e.getMessage().contains("CRC-32"),
                e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());

        store.deleteCheckpoint(new Checkpoint("R", 2, 3));
        assertEquals(List.of(), names(folder), "the checkpoint and its writers' temp files are gone");
    }

    @Test
    void forceDeletesTheCheckpointsWithTheOtherOutputs() {
        store.writeCheckpoint("R", 0, snapshot(2, 1f));
        store.deleteOutputs();
        assertFalse(Files.exists(out.resolve("checkpoints")));
        assertEquals(List.of(), store.checkpoints());
    }

    private static TrialSnapshot snapshot(int epoch, float first) {
        List<EpochMetrics> metrics = Stream.iterate(1, e -> e + 1).limit(epoch)
                .map(e -> new EpochMetrics(e, 0.1, 0.01, 2.0 / e, 0.5, 2.1, 0.6,
                        List.of(new GroupStats("conv1", 3.0, 0.1 / 9)), 3.0, 0.1 / 9, 1.5, 0.5))
                .toList();
        return new TrialSnapshot(epoch, 40, "data=x seed=1", Schedule.parse("R", "1: lr=0.1 wd=0.01"), metrics,
                List.of(new EpochPredictions(epoch, new byte[] {1, 2, 3})), new float[] {first, -2f, Float.NaN},
                new float[0]);
    }

    /** The files in a folder but Hadoop's local checksum files ({@code .NAME.crc}), which come and go with theirs. */
    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).filter(name -> !name.endsWith(".crc")).sorted().toList();
        }
    }
}
