package io.mixfarm.jobs.store;

import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A dataset written whole: invisible until published, then replacing the previous version entirely. */
class StagedDatasetTest {

    private static final MessageType SCHEMA = Types.buildMessage()
            .required(PrimitiveTypeName.INT32).named("x").named("t");

    @TempDir
    Path dir;

    @Test
    void aPublishedVersionReplacesThePreviousOneWholeAndIsInvisibleBefore() throws Exception {
        ExperimentStore store = new ExperimentStore(dir.toString(), new Configuration());
        StagedDataset first = StagedDataset.begin(store, "tv_by_image");
        first.write("epoch-00001.parquet", SCHEMA, Map.of("run", "1"), rows(1, 2));
        first.write("epoch-00002.parquet", SCHEMA, Map.of("run", "1"), rows(3));
        assertEquals(List.of(), visible("tv_by_image"), "nothing before the publish");
        first.publish();
        first.discard(); // after a publish: nothing left to discard
        assertEquals(List.of("epoch-00001.parquet", "epoch-00002.parquet"), visible("tv_by_image"));

        StagedDataset second = StagedDataset.begin(store, "tv_by_image");
        second.write("epoch-00003.parquet", SCHEMA, Map.of("run", "2"), rows(4));
        assertEquals(List.of("epoch-00001.parquet", "epoch-00002.parquet"), visible("tv_by_image"));
        second.publish();
        assertEquals(List.of("epoch-00003.parquet"), visible("tv_by_image"));
        assertEquals(List.of(), hidden());
        assertEquals(4, ((Number) DuckDb.value("SELECT x FROM read_parquet('" + dir + "/tv_by_image/*.parquet')"))
                .intValue());
        assertEquals("2", DuckDb.keyValueMetadata(dir + "/tv_by_image/epoch-00003.parquet").get("run"));
    }

    @Test
    void aRunThatDiesLeavesItsFilesHiddenAndTheNextPublishRemovesThem() throws Exception {
        ExperimentStore store = new ExperimentStore(dir.toString(), new Configuration());
        StagedDataset died = StagedDataset.begin(store, "tv_summary");
        died.write("tv_summary.parquet", SCHEMA, Map.of(), rows(1));
        // No publish, no discard: the process was killed here.
        assertEquals(1, hidden().size());
        assertEquals(List.of(), visible("tv_summary"));
        StagedDataset next = StagedDataset.begin(store, "tv_summary");
        next.write("tv_summary.parquet", SCHEMA, Map.of(), rows(2));
        next.publish();
        assertEquals(List.of("tv_summary.parquet"), visible("tv_summary"));
        assertEquals(List.of(), hidden());
    }

    @Test
    void aDiscardedVersionLeavesNothing() throws IOException {
        ExperimentStore store = new ExperimentStore(dir.toString(), new Configuration());
        StagedDataset staged = StagedDataset.begin(store, "tv_summary");
        staged.write("tv_summary.parquet", SCHEMA, Map.of(), rows(1));
        staged.discard();
        try (Stream<Path> entries = Files.list(dir)) {
            assertEquals(List.of(), entries.toList());
        }
    }

    @Test
    void theFarmsDatasetsGrowTrialByTrialAndAreNeverReplacedWhole() {
        ExperimentStore store = new ExperimentStore(dir.toString(), new Configuration());
        for (String dataset : List.of("trials", "predictions", "metrics", "checkpoints", "../x", "")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> StagedDataset.begin(store, dataset));
            assertEquals("\"" + dataset + "\" cannot be written as a whole dataset", e.getMessage());
        }
    }

    private static Iterable<Group> rows(int... values) {
        SimpleGroupFactory factory = new SimpleGroupFactory(SCHEMA);
        return java.util.Arrays.stream(values).mapToObj(v -> factory.newGroup().append("x", v)).toList();
    }

    private List<String> visible(String dataset) throws IOException {
        Path folder = dir.resolve(dataset);
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        }
    }

    private List<Path> hidden() throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
        }
    }
}
