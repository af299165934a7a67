package io.mixfarm.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class CifarReaderTest {

    private static final int IMAGE = 3072;

    @TempDir
    Path dir;

    /** {@code records} records with {@code labelBytes} label bytes each; label byte k of record r is (r + k) % mod[k]. */
    private static byte[] records(int records, int[] mod, int seed) {
        int size = mod.length + IMAGE;
        byte[] bytes = new byte[records * size];
        for (int r = 0; r < records; r++) {
            for (int k = 0; k < mod.length; k++) {
                bytes[r * size + k] = (byte) ((r + k) % mod[k]);
            }
            for (int p = 0; p < IMAGE; p++) {
                bytes[r * size + mod.length + p] = (byte) (p * 7 + r * 13 + seed);
            }
        }
        return bytes;
    }

    /** A small CIFAR-10 folder: 4 records per training batch, 3 in the test batch, declared as such. */
    private Path writeCifar10(Path folder) throws IOException {
        Files.createDirectories(folder);
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (int b = 1; b <= 5; b++) {
            Files.write(folder.resolve("data_batch_" + b + ".bin"), records(4, new int[] {10}, b));
            counts.put("data_batch_" + b + ".bin", 4);
        }
        Files.write(folder.resolve("test_batch.bin"), records(3, new int[] {10}, 9));
        counts.put("test_batch.bin", 3);
        RecordCounts.declare(folder, counts);
        return folder;
    }

    /** A small CIFAR-100 folder: 25 training and 5 test records, declared as such. */
    private Path writeCifar100(Path folder) throws IOException {
        Files.createDirectories(folder);
        Files.write(folder.resolve("train.bin"), records(25, new int[] {20, 100}, 1));
        Files.write(folder.resolve("test.bin"), records(5, new int[] {20, 100}, 2));
        RecordCounts.declare(folder, Map.of("train.bin", 25, "test.bin", 5));
        return folder;
    }

    /**
     * A file of {@code records} all-zero records (label 0, black pixels), sparse: the published sizes cost no disk
     * and, since the counts are checked before anything is read, no reading either.
     */
    private static void sparse(Path file, long records, int recordBytes) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(records * recordBytes);
        }
    }

    /** A CIFAR-10 folder of the published sizes, with no declaration: the published counts apply. */
    private Path publishedCifar10() throws IOException {
        for (int b = 1; b <= 5; b++) {
            sparse(dir.resolve("data_batch_" + b + ".bin"), CifarReader.CIFAR10_RECORDS_PER_FILE, IMAGE + 1);
        }
        sparse(dir.resolve("test_batch.bin"), CifarReader.CIFAR10_RECORDS_PER_FILE, IMAGE + 1);
        return dir;
    }

    private static void assertDamage(Executable read, String file, String problem) {
        DatasetException e = assertThrows(DatasetException.class, read);
        String message = e.getMessage();
        assertTrue(message.contains(file), "should name " + file + ": " + message);
        assertTrue(message.contains(problem), "should say " + problem + ": " + message);
        assertFalse(message.contains("\n"), "one line: " + message);
    }

    @Test
    void cifarWriterOutputReadsBackAsTheSameImages() {
        Dataset written = new Dataset("x", TestData.images(12, 3, 32, 32, 10, 5), TestData.images(4, 3, 32, 32, 10, 6));
        CifarWriter.writeCifar10(dir.resolve("written"), written);
        Dataset read = CifarReader.readCifar10(dir.resolve("written"));
        assertTrue(read.train().sameContent(written.train()));
        assertTrue(read.test().sameContent(written.test()));
        assertThrows(IllegalArgumentException.class, () -> CifarWriter.writeCifar10(dir.resolve("mnist"),
                TestData.mnistLike(10, 2)));
    }

    @Test
    void readsCifar10InOrder() throws IOException {
        Dataset cifar = CifarReader.readCifar10(writeCifar10(dir));
        assertEquals("cifar10", cifar.name());
        ImageSet train = cifar.train();
        assertEquals(20, train.count());
        assertEquals(3, train.channels());
        assertEquals(32, train.height());
        assertEquals(32, train.width());
        assertEquals(10, train.classes());
        assertEquals(3, cifar.test().count());
        // Image 5 is record 1 of data_batch_2: label 1, first pixel 0*7 + 1*13 + 2.
        assertEquals(1, train.label(5));
        assertEquals(15, train.pixels()[5 * IMAGE] & 0xFF);
        assertEquals((byte) ((IMAGE - 1) * 7 + 13 + 2), train.pixels()[6 * IMAGE - 1]);
    }

    @Test
    void acceptsTheParentFolder() throws IOException {
        writeCifar10(dir.resolve("cifar-10-batches-bin"));
        assertEquals(20, CifarReader.readCifar10(dir).train().count());
        writeCifar100(dir.resolve("cifar-100-binary"));
        assertEquals(25, CifarReader.readCifar100(dir).train().count());
    }

    @Test
    void readsCifar100FineOrCoarse() throws IOException {
        writeCifar100(dir);
        Dataset fine = CifarReader.readCifar100(dir);
        assertEquals("cifar100", fine.name());
        assertEquals(100, fine.classes());
        assertEquals(24, fine.train().label(23)); // fine label of record 23 is (23 + 1) % 100
        Dataset coarse = CifarReader.readCifar100(dir, CifarReader.Cifar100Labels.COARSE);
        assertEquals("cifar100-coarse", coarse.name());
        assertEquals(20, coarse.classes());
        assertEquals(3, coarse.train().label(23)); // coarse label is 23 % 20
        assertArrayEquals(fine.train().pixels(), coarse.train().pixels());
    }

    @Test
    void wrongSizeIsTruncation() throws IOException {
        writeCifar10(dir);
        Path batch = dir.resolve("data_batch_3.bin");
        byte[] bytes = Files.readAllBytes(batch);
        Files.write(batch, Arrays.copyOf(bytes, bytes.length - 1));
        assertDamage(() -> CifarReader.readCifar10(dir), "data_batch_3.bin",
                "truncated: 12291 bytes is not a whole number of 3073-byte records (3 records and 3072 bytes)");
    }

    @Test
    void aCifar10FileCutAtARecordBoundaryIsRefused() throws IOException {
        publishedCifar10();
        sparse(dir.resolve("data_batch_3.bin"), 9_999, IMAGE + 1);
        assertDamage(() -> CifarReader.readCifar10(dir), "data_batch_3.bin",
                "9999 records, but the published CIFAR-10 file has exactly 10000 (cut short, or not CIFAR-10");
    }

    @Test
    void theCifar10TestBatchIsCountedToo() throws IOException {
        publishedCifar10();
        sparse(dir.resolve("test_batch.bin"), 10_001, IMAGE + 1);
        assertDamage(() -> CifarReader.readCifar10(dir), "test_batch.bin",
                "10001 records, but the published CIFAR-10 file has exactly 10000");
        sparse(dir.resolve("test_batch.bin"), 9_998, IMAGE + 1);
        assertDamage(() -> CifarReader.readCifar10(dir), "test_batch.bin",
                "9998 records, but the published CIFAR-10 file has exactly 10000");
    }

    @Test
    void cifar100FilesHoldFiftyAndTenThousandRecords() throws IOException {
        sparse(dir.resolve("train.bin"), 49_999, IMAGE + 2);
        sparse(dir.resolve("test.bin"), CifarReader.CIFAR100_TEST_RECORDS, IMAGE + 2);
        assertDamage(() -> CifarReader.readCifar100(dir), "train.bin",
                "49999 records, but the published CIFAR-100 file has exactly 50000");
        sparse(dir.resolve("train.bin"), CifarReader.CIFAR100_TRAIN_RECORDS, IMAGE + 2);
        sparse(dir.resolve("test.bin"), 9_999, IMAGE + 2);
        assertDamage(() -> CifarReader.readCifar100(dir, CifarReader.Cifar100Labels.COARSE), "test.bin",
                "9999 records, but the published CIFAR-100 file has exactly 10000");
    }

    @Test
    void aWrittenFolderIsHeldToTheCountsItDeclares() throws IOException {
        Dataset written = new Dataset("x", TestData.images(10, 3, 32, 32, 10, 5), TestData.images(4, 3, 32, 32, 10, 6));
        CifarWriter.writeCifar10(dir, written);
        Path batch = dir.resolve("data_batch_2.bin");
        byte[] bytes = Files.readAllBytes(batch);
        Files.write(batch, Arrays.copyOf(bytes, bytes.length - (IMAGE + 1)));
        assertDamage(() -> CifarReader.readCifar10(dir), "data_batch_2.bin",
                "1 record, but " + RecordCounts.FILE + " in its folder declares 2");
    }

    @Test
    void aDeclarationMustCountEveryFileInWholeNumbers() throws IOException {
        writeCifar10(dir);
        Path declaration = dir.resolve(RecordCounts.FILE);
        String text = Files.readString(declaration);
        Files.writeString(declaration, text.replace("test_batch.bin=3\n", ""));
        assertDamage(() -> CifarReader.readCifar10(dir), RecordCounts.FILE, "declares no record count for test_batch.bin");
        Files.writeString(declaration, text.replace("test_batch.bin=3", "test_batch.bin=three"));
        assertDamage(() -> CifarReader.readCifar10(dir), RecordCounts.FILE,
                "record count of test_batch.bin is not a positive whole number: \"three\"");
    }

    @Test
    void emptyFile() throws IOException {
        writeCifar10(dir);
        Files.write(dir.resolve("test_batch.bin"), new byte[0]);
        assertDamage(() -> CifarReader.readCifar10(dir), "test_batch.bin", "empty file");
    }

    @Test
    void labelOutOfRange() throws IOException {
        writeCifar10(dir);
        Path test = dir.resolve("test_batch.bin");
        byte[] bytes = Files.readAllBytes(test);
        bytes[2 * (IMAGE + 1)] = 10;
        Files.write(test, bytes);
        assertDamage(() -> CifarReader.readCifar10(dir), "test_batch.bin",
                "label out of range: label 10 of record 2 is not in 0..9");
    }

    @Test
    void cifar100ChecksBothLabels() throws IOException {
        writeCifar100(dir);
        Path train = dir.resolve("train.bin");
        byte[] bytes = Files.readAllBytes(train);
        bytes[IMAGE + 2] = 20; // coarse label of record 1
        Files.write(train, bytes);
        assertDamage(() -> CifarReader.readCifar100(dir), "train.bin",
                "label out of range: coarse label 20 of record 1 is not in 0..19");
    }

    @Test
    void missingBatch() throws IOException {
        writeCifar10(dir);
        Files.delete(dir.resolve("data_batch_4.bin"));
        assertDamage(() -> CifarReader.readCifar10(dir), "data_batch_4.bin", "missing file");
    }

    @Test
    void folderWithoutCifar() throws IOException {
        assertDamage(() -> CifarReader.readCifar10(dir), dir.toString(),
                "missing CIFAR-10 files: expected data_batch_1.bin");
        assertDamage(() -> CifarReader.readCifar100(dir.resolve("absent")), "absent", "no such folder");
    }
}
