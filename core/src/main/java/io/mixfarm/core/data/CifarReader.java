package io.mixfarm.core.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads the binary versions of CIFAR-10 and CIFAR-100 (32x32 RGB images in CHW order).
 *
 * <p>CIFAR-10 files ({@code data_batch_1..5.bin}, {@code test_batch.bin}) hold records of one label
 * byte and 3072 pixel bytes; CIFAR-100 files ({@code train.bin}, {@code test.bin}) hold a coarse label
 * byte, a fine label byte and 3072 pixel bytes. Either reader accepts the folder holding the
 * {@code .bin} files or its parent (where the archive was unpacked). A file whose size is not a whole
 * number of records is reported as truncated, a label outside its range as damage, and a file that does not
 * hold its published number of records ({@value #CIFAR10_RECORDS_PER_FILE} in each CIFAR-10 file,
 * {@value #CIFAR100_TRAIN_RECORDS} and {@value #CIFAR100_TEST_RECORDS} in CIFAR-100's) as cut short: a
 * file cut at a record boundary would otherwise read as a smaller data set. A folder that is not the
 * published data set (a synthetic stand-in written by {@link CifarWriter}) declares its own counts, see
 * {@link RecordCounts}.
 */
public final class CifarReader {

    /** Which CIFAR-100 label to use. */
    public enum Cifar100Labels {
        /** The 100 fine classes (the usual CIFAR-100 task). */
        FINE,
        /** The 20 coarse superclasses. */
        COARSE
    }

    /** Classes of CIFAR-10. */
    public static final int CIFAR10_CLASSES = 10;
    /** Fine classes of CIFAR-100. */
    public static final int CIFAR100_FINE_CLASSES = 100;
    /** Coarse classes (superclasses) of CIFAR-100. */
    public static final int CIFAR100_COARSE_CLASSES = 20;
    /** Records in each published CIFAR-10 file, the five training batches and the test batch alike. */
    public static final int CIFAR10_RECORDS_PER_FILE = 10_000;
    /** Records in the published CIFAR-100 {@code train.bin}. */
    public static final int CIFAR100_TRAIN_RECORDS = 50_000;
    /** Records in the published CIFAR-100 {@code test.bin}. */
    public static final int CIFAR100_TEST_RECORDS = 10_000;

    private static final int CHANNELS = 3;
    private static final int SIDE = 32;
    private static final int IMAGE_BYTES = CHANNELS * SIDE * SIDE;
    private static final String CIFAR10_FOLDER = "cifar-10-batches-bin";
    private static final String CIFAR100_FOLDER = "cifar-100-binary";
    /** CIFAR-10's training files, in order (also {@link CifarWriter}'s). */
    static final List<String> CIFAR10_TRAIN = List.of(
            "data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin");
    /** CIFAR-10's test file (also {@link CifarWriter}'s). */
    static final List<String> CIFAR10_TEST = List.of("test_batch.bin");
    private static final List<String> CIFAR100_TRAIN = List.of("train.bin");
    private static final List<String> CIFAR100_TEST = List.of("test.bin");

    private CifarReader() {
    }

    /** Reads CIFAR-10 from {@code folder} (or its {@code cifar-10-batches-bin} subfolder) as "cifar10". */
    public static Dataset readCifar10(Path folder) {
        Path dir = locate(folder, CIFAR10_FOLDER, CIFAR10_TRAIN, CIFAR10_TEST, "CIFAR-10");
        Layout layout = new Layout(new String[] {"label"}, new int[] {CIFAR10_CLASSES}, 0);
        checkRecordCounts(dir, RecordCounts.of(dir, published(CIFAR10_TRAIN, CIFAR10_RECORDS_PER_FILE, CIFAR10_TEST,
                CIFAR10_RECORDS_PER_FILE), "CIFAR-10"), layout);
        return new Dataset("cifar10", read(dir, CIFAR10_TRAIN, layout), read(dir, CIFAR10_TEST, layout));
    }

    /** Reads CIFAR-100 with its 100 fine labels from {@code folder} (or its {@code cifar-100-binary} subfolder). */
    public static Dataset readCifar100(Path folder) {
        return readCifar100(folder, Cifar100Labels.FINE);
    }

    /** Reads CIFAR-100 with the chosen labels, as "cifar100" (fine) or "cifar100-coarse". */
    public static Dataset readCifar100(Path folder, Cifar100Labels labels) {
        Path dir = locate(folder, CIFAR100_FOLDER, CIFAR100_TRAIN, CIFAR100_TEST, "CIFAR-100");
        int[] classes = {CIFAR100_COARSE_CLASSES, CIFAR100_FINE_CLASSES};
        Layout layout = new Layout(new String[] {"coarse label", "fine label"}, classes,
                labels == Cifar100Labels.FINE ? 1 : 0);
        String name = labels == Cifar100Labels.FINE ? "cifar100" : "cifar100-coarse";
        checkRecordCounts(dir, RecordCounts.of(dir, published(CIFAR100_TRAIN, CIFAR100_TRAIN_RECORDS, CIFAR100_TEST,
                CIFAR100_TEST_RECORDS), "CIFAR-100"), layout);
        return new Dataset(name, read(dir, CIFAR100_TRAIN, layout), read(dir, CIFAR100_TEST, layout));
    }

    /**
     * The label bytes that start each record.
     *
     * @param labelNames   what each label byte is, for messages
     * @param labelClasses classes of each label byte, in record order (every one is checked)
     * @param used         index of the label byte that becomes the image's label
     */
    private record Layout(String[] labelNames, int[] labelClasses, int used) {
        int labelBytes() {
            return labelClasses.length;
        }

        int recordBytes() {
            return labelClasses.length + IMAGE_BYTES;
        }

        int classes() {
            return labelClasses[used];
        }
    }

    /** Every training file with {@code trainRecords}, every test file with {@code testRecords}, in order. */
    private static Map<String, Integer> published(List<String> train, int trainRecords, List<String> test,
                                                  int testRecords) {
        Map<String, Integer> records = new LinkedHashMap<>();
        train.forEach(file -> records.put(file, trainRecords));
        test.forEach(file -> records.put(file, testRecords));
        return records;
    }

    /** Checks every file's record count from its size, before any is read. */
    private static void checkRecordCounts(Path dir, RecordCounts counts, Layout layout) {
        for (String name : counts.records().keySet()) {
            Path file = dir.resolve(name);
            counts.check(file, countRecords(file, layout));
        }
    }

    /** Reads and concatenates {@code files} of {@code dir}. */
    private static ImageSet read(Path dir, List<String> files, Layout layout) {
        // Sizes first, so the pixel array is allocated once and each file is dropped after copying.
        long records = 0;
        for (String name : files) {
            records += countRecords(dir.resolve(name), layout);
        }
        if (records * IMAGE_BYTES > Integer.MAX_VALUE - 8) {
            throw new DatasetException(dir + ": too large: " + records + " images do not fit one array");
        }
        int count = (int) records;
        byte[] pixels = new byte[count * IMAGE_BYTES];
        byte[] labels = new byte[count];
        int image = 0;
        for (String name : files) {
            Path file = dir.resolve(name);
            byte[] bytes = readFile(file);
            if (bytes.length % layout.recordBytes() != 0) {
                throw truncated(file, bytes.length, layout); // the file changed while being read
            }
            for (int offset = 0, record = 0; offset < bytes.length; offset += layout.recordBytes(), record++) {
                checkLabels(file, bytes, offset, record, layout);
                labels[image] = bytes[offset + layout.used()];
                System.arraycopy(bytes, offset + layout.labelBytes(), pixels, image * IMAGE_BYTES, IMAGE_BYTES);
                image++;
            }
        }
        if (image != count) {
            throw new DatasetException(dir + ": files changed while being read");
        }
        return new ImageSet(count, CHANNELS, SIDE, SIDE, layout.classes(), pixels, labels);
    }

    private static long countRecords(Path file, Layout layout) {
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw DatasetException.inFile(file, "missing file", e);
        } catch (IOException e) {
            throw DatasetException.inFile(file, "cannot read (" + DatasetException.describe(e) + ")", e);
        }
        if (size == 0) {
            throw DatasetException.inFile(file, "empty file");
        }
        if (size % layout.recordBytes() != 0) {
            throw truncated(file, size, layout);
        }
        return size / layout.recordBytes();
    }

    private static DatasetException truncated(Path file, long size, Layout layout) {
        int recordBytes = layout.recordBytes();
        return DatasetException.inFile(file, "truncated: " + size + " bytes is not a whole number of "
                + recordBytes + "-byte records (" + size / recordBytes + " records and "
                + size % recordBytes + " bytes)");
    }

    private static void checkLabels(Path file, byte[] bytes, int offset, int record, Layout layout) {
        for (int k = 0; k < layout.labelBytes(); k++) {
            int label = bytes[offset + k] & 0xFF;
            int classes = layout.labelClasses()[k];
            if (label >= classes) {
                throw DatasetException.inFile(file, "label out of range: " + layout.labelNames()[k] + " " + label
                        + " of record " + record + " is not in 0.." + (classes - 1));
            }
        }
    }

    private static byte[] readFile(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw DatasetException.inFile(file, "missing file", e);
        } catch (IOException e) {
            throw DatasetException.inFile(file, "cannot read (" + DatasetException.describe(e) + ")", e);
        }
    }

    /** The files {@link #readCifar10} reads, training batches first. */
    static List<Path> cifar10Files(Path folder) {
        Path dir = locate(folder, CIFAR10_FOLDER, CIFAR10_TRAIN, CIFAR10_TEST, "CIFAR-10");
        return Stream.concat(CIFAR10_TRAIN.stream(), CIFAR10_TEST.stream()).map(dir::resolve).toList();
    }

    /** The files {@link #readCifar100} reads, the training file first. */
    static List<Path> cifar100Files(Path folder) {
        Path dir = locate(folder, CIFAR100_FOLDER, CIFAR100_TRAIN, CIFAR100_TEST, "CIFAR-100");
        return Stream.concat(CIFAR100_TRAIN.stream(), CIFAR100_TEST.stream()).map(dir::resolve).toList();
    }

    /** {@code folder} if it holds the first file, else its {@code subfolder} if that does. */
    private static Path locate(Path folder, String subfolder, List<String> train, List<String> test, String what) {
        if (!Files.isDirectory(folder)) {
            throw new DatasetException(folder + ": no such folder (expected the " + what + " binary version)");
        }
        Path nested = folder.resolve(subfolder);
        if (!Files.isRegularFile(folder.resolve(train.get(0))) && Files.isRegularFile(nested.resolve(train.get(0)))) {
            return nested;
        }
        if (!Files.isRegularFile(folder.resolve(train.get(0)))) {
            String expected = String.join(", ", Stream.concat(train.stream(), test.stream()).toList());
            throw new DatasetException(folder + ": missing " + what + " files: expected " + expected
                    + " in this folder or in " + nested);
        }
        return folder;
    }
}
