package io.mixfarm.core.data;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes one-channel {@link ImageSet}s as MNIST-format IDX files, raw bytes or gzipped. */
public final class IdxWriter {

    private IdxWriter() {
    }

    /** The raw IDX bytes of the images of {@code set} (which must have one channel). */
    public static byte[] images(ImageSet set) {
        if (set.channels() != 1) {
            throw new IllegalArgumentException("IDX images have one channel, got " + set.channels());
        }
        return ByteBuffer.allocate(16 + set.pixels().length)
                .putInt(IdxReader.IMAGES_MAGIC).putInt(set.count()).putInt(set.height()).putInt(set.width())
                .put(set.pixels())
                .array();
    }

    /** The raw IDX bytes of the labels of {@code set}. */
    public static byte[] labels(ImageSet set) {
        return ByteBuffer.allocate(8 + set.count())
                .putInt(IdxReader.LABELS_MAGIC).putInt(set.count())
                .put(set.labels())
                .array();
    }

    /** Writes the images of {@code set} to {@code file}, gzipped. */
    public static void writeImages(Path file, ImageSet set) {
        writeGzip(file, images(set));
    }

    /** Writes the labels of {@code set} to {@code file}, gzipped. */
    public static void writeLabels(Path file, ImageSet set) {
        writeGzip(file, labels(set));
    }

    /** Writes {@code dataset} to {@code folder} under the four standard MNIST file names, gzipped. */
    public static void writeFolder(Path folder, Dataset dataset) {
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw DatasetException.inFile(folder, "cannot create folder (" + DatasetException.describe(e) + ")", e);
        }
        writeImages(folder.resolve("train-images-idx3-ubyte.gz"), dataset.train());
        writeLabels(folder.resolve("train-labels-idx1-ubyte.gz"), dataset.train());
        writeImages(folder.resolve("t10k-images-idx3-ubyte.gz"), dataset.test());
        writeLabels(folder.resolve("t10k-labels-idx1-ubyte.gz"), dataset.test());
    }

    /** Gzips {@code bytes} into {@code file}; Java writes mtime 0 and no name, so output is reproducible. */
    static void writeGzip(Path file, byte[] bytes) {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(bytes);
        } catch (IOException e) {
            throw DatasetException.inFile(file, "cannot write (" + DatasetException.describe(e) + ")", e);
        }
    }
}
