package io.mixfarm.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {

    private static final Path FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

    @TempDir
    Path dir;

    private final Dataset data = TestData.mnistLike(30, 12);

    /** Asserts that reading fails with one line naming {@code file} and containing {@code problem}. */
    private static DatasetException assertDamage(Executable read, String file, String problem) {
        DatasetException e = assertThrows(DatasetException.class, read);
        String message = e.getMessage();
        assertTrue(message.contains(file), "should name " + file + ": " + message);
        assertTrue(message.contains(problem), "should say " + problem + ": " + message);
        assertFalse(message.contains("\n"), "one line: " + message);
        return e;
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    /** Writes raw training images and labels and reads them back. */
    private ImageSet readRaw(byte[] images, byte[] labels) throws IOException {
        return IdxReader.read(write("train-images-idx3-ubyte", images), write("train-labels-idx1-ubyte", labels), 10);
    }

    @Test
    void roundTripsGzippedFolder() {
        IdxWriter.writeFolder(dir, data);
        Dataset read = IdxReader.readFolder(dir, "roundtrip");
        assertEquals("roundtrip", read.name());
        assertTrue(read.train().sameContent(data.train()));
        assertTrue(read.test().sameContent(data.test()));
        assertEquals(1, read.train().channels());
    }

    @Test
    void roundTripsRawFilesWithDottedNames() throws IOException {
        // Some mirrors (e.g. Kaggle's) ship raw files called train-images.idx3-ubyte.
        write("train-images.idx3-ubyte", IdxWriter.images(data.train()));
        write("train-labels.idx1-ubyte", IdxWriter.labels(data.train()));
        write("t10k-images.idx3-ubyte", IdxWriter.images(data.test()));
        write("t10k-labels.idx1-ubyte", IdxWriter.labels(data.test()));
        Dataset read = IdxReader.readFolder(dir, "raw");
        assertTrue(read.train().sameContent(data.train()));
        assertTrue(read.test().sameContent(data.test()));
    }

    @Test
    void detectsGzipByContentNotName() throws IOException {
        // A gzipped file without .gz and a raw file with .gz must both read.
        Path images = write("a.idx3-ubyte", TestData.gzip(IdxWriter.images(data.test())));
        Path labels = write("b.gz", IdxWriter.labels(data.test()));
        assertTrue(IdxReader.read(images, labels, 10).sameContent(data.test()));
    }

    @Test
    void writesDeterministicGzip() {
        IdxWriter.writeImages(dir.resolve("a.gz"), data.test());
        IdxWriter.writeImages(dir.resolve("b.gz"), data.test());
        assertArrayEquals(bytes(dir.resolve("a.gz")), bytes(dir.resolve("b.gz")));
    }

    @Test
    void wrongMagic() throws IOException {
        byte[] images = IdxWriter.images(data.train());
        images[3] = 0x04;
        assertDamage(() -> readRaw(images, IdxWriter.labels(data.train())),
                "train-images-idx3-ubyte", "wrong magic number 0x00000804, expected 0x00000803");
    }

    @Test
    void labelsFileGivenAsImages() throws IOException {
        byte[] labels = IdxWriter.labels(data.train());
        assertDamage(() -> readRaw(labels, labels), "train-images-idx3-ubyte", "this is a labels file");
    }

    @Test
    void truncatedImages() throws IOException {
        byte[] images = IdxWriter.images(data.train());
        byte[] cut = Arrays.copyOf(images, images.length - 100);
        assertDamage(() -> readRaw(cut, IdxWriter.labels(data.train())), "train-images-idx3-ubyte",
                "truncated: expected 30 images of 28x28 (23520 bytes), found 23420 bytes");
    }

    @Test
    void truncatedGzippedLabels() throws IOException {
        // The gzip stream itself is intact; its content is two labels short.
        byte[] labels = IdxWriter.labels(data.test());
        write("t10k-labels-idx1-ubyte.gz", TestData.gzip(Arrays.copyOf(labels, labels.length - 2)));
        write("t10k-images-idx3-ubyte.gz", TestData.gzip(IdxWriter.images(data.test())));
        assertDamage(() -> IdxReader.read(dir.resolve("t10k-images-idx3-ubyte.gz"),
                dir.resolve("t10k-labels-idx1-ubyte.gz"), 10),
                "t10k-labels-idx1-ubyte.gz", "truncated: expected 12 labels, found 10");
    }

    @Test
    void cutOffGzipStream() throws IOException {
        byte[] gz = TestData.gzip(IdxWriter.images(data.train()));
        byte[] cut = Arrays.copyOf(gz, gz.length / 2);
        assertDamage(() -> readRaw(cut, IdxWriter.labels(data.train())), "train-images-idx3-ubyte",
                "truncated gzip data");
    }

    @Test
    void truncatedHeaderAndEmptyFile() throws IOException {
        byte[] images = IdxWriter.images(data.train());
        assertDamage(() -> readRaw(Arrays.copyOf(images, 10), IdxWriter.labels(data.train())),
                "train-images-idx3-ubyte", "truncated: header needs 16 bytes, found 10");
        assertDamage(() -> readRaw(new byte[0], IdxWriter.labels(data.train())),
                "train-images-idx3-ubyte", "empty file");
    }

    @Test
    void trailingBytes() throws IOException {
        byte[] labels = IdxWriter.labels(data.train());
        byte[] longer = Arrays.copyOf(labels, labels.length + 5);
        assertDamage(() -> readRaw(IdxWriter.images(data.train()), longer), "train-labels-idx1-ubyte",
                "trailing bytes: 5 bytes after the 30 labels");
    }

    @Test
    void countsDisagree() throws IOException {
        byte[] labels = IdxWriter.labels(data.train().slice(0, 29));
        DatasetException e = assertDamage(() -> readRaw(IdxWriter.images(data.train()), labels),
                "train-images-idx3-ubyte", "has 30 images but");
        assertTrue(e.getMessage().contains("train-labels-idx1-ubyte has 29 labels"), e.getMessage());
    }

    @Test
    void labelOutOfRange() throws IOException {
        byte[] labels = IdxWriter.labels(data.train());
        labels[8 + 7] = 10;
        assertDamage(() -> readRaw(IdxWriter.images(data.train()), labels), "train-labels-idx1-ubyte",
                "label out of range: label 10 at index 7 is not in 0..9");
    }

    @Test
    void badDimensions() throws IOException {
        byte[] images = IdxWriter.images(data.train());
        ByteBuffer.wrap(images).putInt(8, 0);
        assertDamage(() -> readRaw(images, IdxWriter.labels(data.train())), "train-images-idx3-ubyte",
                "bad dimensions: 30 images of 0x28");
    }

    @Test
    void lyingHeaderIsTruncationNotOutOfMemory() throws IOException {
        byte[] header = ByteBuffer.allocate(16).putInt(IdxReader.IMAGES_MAGIC).putInt(2_000_000).putInt(28).putInt(28)
                .array();
        assertDamage(() -> readRaw(header, IdxWriter.labels(data.train())), "train-images-idx3-ubyte",
                "truncated: expected 2000000 images");
    }

    @Test
    void missingFileNamesFolderAndExpectedNames() {
        IdxWriter.writeFolder(dir, data);
        assertTrue(dir.resolve("t10k-labels-idx1-ubyte.gz").toFile().delete());
        DatasetException e = assertDamage(() -> IdxReader.readFolder(dir, "x"), dir.toString(),
                "missing t10k labels file: expected one of t10k-labels-idx1-ubyte.gz, t10k-labels-idx1-ubyte,");
        assertTrue(e.getMessage().contains("t10k-labels.idx1-ubyte"), e.getMessage());
    }

    @Test
    void missingFileGivenDirectly() {
        Path images = dir.resolve("nothing-images");
        assertDamage(() -> IdxReader.read(images, dir.resolve("nothing-labels"), 10), "nothing-images", "missing file");
    }

    @Test
    void missingFolder() {
        assertDamage(() -> IdxReader.readFolder(dir.resolve("absent"), "x"), "absent", "no such folder");
    }

    @Test
    void readsFashionMnistWhenInstalled() {
        // Debian's dataset-fashion-mnist package; optional, the other tests cover the reader.
        assumeTrue(Files.isDirectory(FASHION_MNIST), "dataset-fashion-mnist is not installed");
        Dataset fashion = IdxReader.readFolder(FASHION_MNIST, "fashion-mnist");
        assertEquals(60_000, fashion.train().count());
        assertEquals(10_000, fashion.test().count());
        assertEquals(28, fashion.train().height());
        int[] expected = new int[10];
        Arrays.fill(expected, 6_000);
        assertArrayEquals(expected, fashion.train().classCounts());
    }

    private static byte[] bytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
