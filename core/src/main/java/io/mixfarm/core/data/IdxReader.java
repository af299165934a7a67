package io.mixfarm.core.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipException;

/**
 * Reads MNIST-format IDX files (MNIST, Fashion-MNIST, KMNIST), gzipped or raw.
 *
 * <p>Every file is checked in full: magic number, dimensions, length (truncation and trailing bytes),
 * image and label counts that disagree, and labels outside {@code 0..classes-1}. Any damage is a
 * {@link DatasetException} naming the file and the problem.
 */
public final class IdxReader {

    /** Magic number of an IDX file of unsigned bytes with 3 dimensions (count, rows, columns). */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of an IDX file of unsigned bytes with 1 dimension (count). */
    public static final int LABELS_MAGIC = 0x00000801;
    /** Number of classes of MNIST, Fashion-MNIST and KMNIST. */
    public static final int MNIST_CLASSES = 10;

    /** Largest array the JVM reliably allocates. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;
    private static final int IMAGES_HEADER = 16;
    private static final int LABELS_HEADER = 8;

    private IdxReader() {
    }

    /** Reads the MNIST-layout folder {@code folder} as a 10-class data set called {@code name}. */
    public static Dataset readFolder(Path folder, String name) {
        return readFolder(folder, name, MNIST_CLASSES);
    }

    /**
     * Reads {@code train-images-idx3-ubyte[.gz]}, {@code train-labels-idx1-ubyte[.gz]},
     * {@code t10k-images-idx3-ubyte[.gz]} and {@code t10k-labels-idx1-ubyte[.gz]} from {@code folder}
     * (also their dotted variants such as {@code train-images.idx3-ubyte} that some mirrors use).
     */
    public static Dataset readFolder(Path folder, String name, int classes) {
        List<Path> files = files(folder);
        ImageSet train = read(files.get(0), files.get(1), classes);
        ImageSet test = read(files.get(2), files.get(3), classes);
        return new Dataset(name, train, test);
    }

    /** The files {@link #readFolder} reads: train images, train labels, test images, test labels. */
    static List<Path> files(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new DatasetException(folder + ": no such folder (expected an MNIST-format IDX folder)");
        }
        return List.of(find(folder, "train", "images", 3), find(folder, "train", "labels", 1),
                find(folder, "t10k", "images", 3), find(folder, "t10k", "labels", 1));
    }

    /** Reads one images file and its labels file into an {@link ImageSet} of {@code classes} classes. */
    public static ImageSet read(Path images, Path labels, int classes) {
        try (InputStream imageStream = open(images); InputStream labelStream = open(labels)) {
            return read(images.toString(), imageStream, labels.toString(), labelStream, classes);
        } catch (IOException e) {
            // Only close() can get here; the reads themselves report their own file.
            throw new DatasetException("cannot close " + images + " or " + labels + ": " + DatasetException.describe(e), e);
        }
    }

    /**
     * Reads an images stream and a labels stream (gzipped or raw) that are called {@code imagesName}
     * and {@code labelsName} in messages. The caller closes the streams.
     */
    static ImageSet read(String imagesName, InputStream images, String labelsName, InputStream labels, int classes) {
        if (classes < 1 || classes > ImageSet.MAX_CLASSES) {
            throw new IllegalArgumentException("classes must be in 1.." + ImageSet.MAX_CLASSES + ", got " + classes);
        }
        ImagesFile pixels = readImages(imagesName, images);
        byte[] labelBytes = readLabels(labelsName, labels);
        if (labelBytes.length != pixels.count()) {
            throw new DatasetException("counts disagree: " + imagesName + " has " + pixels.count() + " images but "
                    + labelsName + " has " + labelBytes.length + " labels");
        }
        for (int i = 0; i < labelBytes.length; i++) {
            int label = labelBytes[i] & 0xFF;
            if (label >= classes) {
                throw DatasetException.inFile(labelsName, "label out of range: label " + label + " at index " + i
                        + " is not in 0.." + (classes - 1));
            }
        }
        return new ImageSet(pixels.count(), 1, pixels.rows(), pixels.columns(), classes, pixels.bytes(), labelBytes);
    }

    /** The pixel payload of an images file with its dimensions. */
    private record ImagesFile(int count, int rows, int columns, byte[] bytes) {
    }

    private static ImagesFile readImages(String name, InputStream raw) {
        try (InputStream in = GzipSniffer.open(raw)) {
            ByteBuffer header = header(name, in, IMAGES_HEADER, IMAGES_MAGIC, "images");
            int count = header.getInt();
            int rows = header.getInt();
            int columns = header.getInt();
            if (count < 0 || rows < 1 || columns < 1) {
                throw DatasetException.inFile(name, "bad dimensions: " + Integer.toUnsignedString(count) + " images of "
                        + Integer.toUnsignedString(rows) + "x" + Integer.toUnsignedString(columns));
            }
            long size = (long) count * rows * columns;
            if (size > MAX_ARRAY) {
                throw DatasetException.inFile(name, "too large: " + count + " images of " + rows + "x" + columns
                        + " is " + size + " bytes, more than one array holds");
            }
            // readNBytes grows its buffer as data arrives, so a lying header cannot force a huge allocation.
            byte[] pixels = in.readNBytes((int) size);
            if (pixels.length < size) {
                throw DatasetException.inFile(name, "truncated: expected " + count + " images of " + rows + "x"
                        + columns + " (" + size + " bytes), found " + pixels.length + " bytes");
            }
            requireEnd(name, in, count + " images");
            return new ImagesFile(count, rows, columns, pixels);
        } catch (IOException e) {
            throw readFailure(name, e);
        }
    }

    private static byte[] readLabels(String name, InputStream raw) {
        try (InputStream in = GzipSniffer.open(raw)) {
            int count = header(name, in, LABELS_HEADER, LABELS_MAGIC, "labels").getInt();
            if (count < 0) {
                throw DatasetException.inFile(name, "bad dimensions: " + Integer.toUnsignedString(count) + " labels");
            }
            byte[] labels = in.readNBytes(count);
            if (labels.length < count) {
                throw DatasetException.inFile(name, "truncated: expected " + count + " labels, found " + labels.length);
            }
            requireEnd(name, in, count + " labels");
            return labels;
        } catch (IOException e) {
            throw readFailure(name, e);
        }
    }

    /** Reads and checks the header; returns it positioned after the magic number. */
    private static ByteBuffer header(String name, InputStream in, int length, int magic, String kind)
            throws IOException {
        byte[] bytes = in.readNBytes(length);
        if (bytes.length < 4) {
            throw DatasetException.inFile(name, bytes.length == 0 ? "empty file" : "truncated: " + bytes.length
                    + "-byte file is shorter than an IDX magic number");
        }
        ByteBuffer header = ByteBuffer.wrap(bytes); // big-endian, as IDX is
        int found = header.getInt();
        if (found != magic) {
            throw DatasetException.inFile(name, "wrong magic number " + hex(found) + ", expected " + hex(magic)
                    + " (IDX " + kind + ")" + hint(found));
        }
        if (bytes.length < length) {
            throw DatasetException.inFile(name, "truncated: header needs " + length + " bytes, found " + bytes.length);
        }
        return header;
    }

    private static String hint(int found) {
        if (found == IMAGES_MAGIC) {
            return "; this is an images file";
        }
        if (found == LABELS_MAGIC) {
            return "; this is a labels file";
        }
        return "";
    }

    private static void requireEnd(String name, InputStream in, String what) throws IOException {
        if (in.read() != -1) {
            long extra = 1 + in.transferTo(OutputStream.nullOutputStream());
            throw DatasetException.inFile(name, "trailing bytes: " + extra + " bytes after the " + what);
        }
    }

    private static DatasetException readFailure(String name, IOException e) {
        if (e instanceof EOFException) {
            // GZIPInputStream reports a cut-off compressed stream as EOFException.
            return DatasetException.inFile(name, "truncated gzip data (" + DatasetException.describe(e) + ")", e);
        }
        if (e instanceof ZipException) {
            return DatasetException.inFile(name, "corrupt gzip data (" + DatasetException.describe(e) + ")", e);
        }
        return DatasetException.inFile(name, "cannot read (" + DatasetException.describe(e) + ")", e);
    }

    private static InputStream open(Path file) {
        try {
            return Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw DatasetException.inFile(file, "missing file", e);
        } catch (IOException e) {
            throw DatasetException.inFile(file, "cannot open (" + DatasetException.describe(e) + ")", e);
        }
    }

    /** The first existing spelling of {@code split-kind-idxN-ubyte} in {@code folder}. */
    private static Path find(Path folder, String split, String kind, int dimensions) {
        List<String> names = candidates(split + "-" + kind, "idx" + dimensions + "-ubyte");
        for (String name : names) {
            Path file = folder.resolve(name);
            if (Files.isRegularFile(file)) {
                return file;
            }
        }
        throw new DatasetException(folder + ": missing " + split + " " + kind + " file: expected one of "
                + String.join(", ", names));
    }

    /** Accepted file names, in order of preference: the original names, then the dotted mirror variant. */
    static List<String> candidates(String stem, String suffix) {
        String dashed = stem + "-" + suffix;
        String dotted = stem + "." + suffix;
        return List.of(dashed + ".gz", dashed, dotted + ".gz", dotted);
    }

    private static String hex(int value) {
        return String.format("0x%08X", value);
    }
}
