package io.mixfarm.core.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataFingerprintTest {

    @TempDir
    Path dir;

    /** The embedded sample's four files, copied into an MNIST folder. */
    private Path sampleFolder() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("sample"));
        for (String resource : EmbeddedSample.resources()) {
            try (InputStream in = EmbeddedSample.open(resource)) {
                Files.copy(in, folder.resolve(resource.substring(resource.lastIndexOf('/') + 1)));
            }
        }
        return folder;
    }

    @Test
    void theEmbeddedSampleIsFingerprintedByTheBytesItIsReadFrom() throws IOException {
        DigestCache cache = new DigestCache(dir.resolve("cache.tsv"));
        DataFingerprint embedded = DataFingerprint.of(DatasetSpec.parse(EmbeddedSample.NAME), cache);
        DataFingerprint folder = DataFingerprint.of(DatasetSpec.parse("mnist:" + sampleFolder()), cache);
        assertEquals(embedded, folder, "the same four files, whether in the jar or in a folder");
        assertEquals(embedded, DataFingerprint.parse(embedded.text()));
        assertTrue(embedded.text().matches("sha256:[0-9a-f]{64}"), embedded.text());
    }

    @Test
    void anyChangedByteChangesTheFingerprintAndTheCacheIsKeyedByPathSizeAndMtime() throws IOException {
        Path folder = sampleFolder();
        DigestCache cache = new DigestCache(dir.resolve("cache.tsv"));
        DatasetSpec spec = DatasetSpec.parse("mnist:" + folder);
        DataFingerprint before = DataFingerprint.of(spec, cache);
        assertEquals(4, Files.readAllLines(cache.file()).size(), "one cached digest per file");

        Path labels = folder.resolve("t10k-labels-idx1-ubyte.gz");
        FileTime mtime = Files.getLastModifiedTime(labels);
        byte[] bytes = Files.readAllBytes(labels);
        bytes[bytes.length - 9] ^= 1; // inside the gzip stream: same size
        Files.write(labels, bytes);
        Files.setLastModifiedTime(labels, mtime);
        assertEquals(before, DataFingerprint.of(spec, cache),
                "same path, size and mtime: the cached digest stands (the documented shortcut)");

        Files.setLastModifiedTime(labels, FileTime.fromMillis(mtime.toMillis() + 1000));
        DataFingerprint after = DataFingerprint.of(spec, cache);
        assertNotEquals(before, after);
        assertEquals(after, DataFingerprint.of(spec, new DigestCache(dir.resolve("fresh.tsv"))),
                "the cache returns what a fresh digest gives");
        assertEquals(4, Files.readAllLines(cache.file()).size(), "the stale entry was replaced");
    }

    @Test
    void theCacheForgetsFilesThatAreGone() throws IOException {
        DigestCache cache = new DigestCache(dir.resolve("cache.tsv"));
        Path gone = Files.write(dir.resolve("gone.bin"), new byte[] {1, 2, 3});
        Path kept = Files.write(dir.resolve("kept.bin"), new byte[] {4, 5});
        cache.sha256(gone);
        Files.delete(gone);
        String digest = cache.sha256(kept);
        List<String> lines = Files.readAllLines(cache.file());
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith(digest + "\t2\t") && lines.get(0).endsWith("\t" + kept), lines.get(0));
    }

    @Test
    void aMissingFileIsOneLineNamingIt() throws IOException {
        Path folder = sampleFolder();
        Files.delete(folder.resolve("train-labels-idx1-ubyte.gz"));
        DatasetException e = assertThrows(DatasetException.class,
                () -> DataFingerprint.of(DatasetSpec.parse("mnist:" + folder), new DigestCache(dir.resolve("c"))));
        assertTrue(e.getMessage().contains("train labels") && !e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void onlyTheStoredFormParses() {
        for (String bad : List.of("", "sha256:", "sha256:xyz", "md5:" + "0".repeat(64), "0".repeat(64),
                "sha256:" + "A".repeat(64))) {
            assertThrows(IllegalArgumentException.class, () -> DataFingerprint.parse(bad), bad);
        }
    }
}
