package io.mixfarm.core.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a data set of 3x32x32 images with at most 10 classes in the CIFAR-10 binary format that
 * {@link CifarReader} reads: records of one label byte and 3072 pixel bytes (CHW), the training images split over
 * {@code data_batch_1.bin .. data_batch_5.bin} and the test images in {@code test_batch.bin}, and the records each
 * file holds declared in {@link RecordCounts#FILE} (they are not CIFAR-10's). For tests and synthetic stand-ins of
 * CIFAR-10, as {@link IdxWriter} is for MNIST.
 */
public final class CifarWriter {

    private static final int BATCHES = CifarReader.CIFAR10_TRAIN.size();

    private CifarWriter() {
    }

    /**
     * Writes {@code dataset} to {@code folder} (created if missing).
     *
     * @throws IllegalArgumentException if the images are not 3x32x32, there are more than 10 classes, or fewer than
     *                                  five training images (each batch file must hold one)
     */
    public static void writeCifar10(Path folder, Dataset dataset) {
        ImageSet train = dataset.train();
        if (train.channels() != 3 || train.height() != 32 || train.width() != 32
                || dataset.classes() > CifarReader.CIFAR10_CLASSES) {
            throw new IllegalArgumentException("CIFAR-10 holds 3x32x32 images of at most 10 classes, got "
                    + train.channels() + "x" + train.height() + "x" + train.width() + " of " + dataset.classes());
        }
        if (train.count() < BATCHES) {
            throw new IllegalArgumentException("CIFAR-10 splits the training images over " + BATCHES
                    + " files: need at least " + BATCHES + ", got " + train.count());
        }
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw DatasetException.inFile(folder, "cannot create folder (" + DatasetException.describe(e) + ")", e);
        }
        Map<String, Integer> records = new LinkedHashMap<>();
        for (int b = 0; b < BATCHES; b++) {
            int from = (int) ((long) train.count() * b / BATCHES);
            int to = (int) ((long) train.count() * (b + 1) / BATCHES);
            String file = CifarReader.CIFAR10_TRAIN.get(b);
            write(folder.resolve(file), train, from, to);
            records.put(file, to - from);
        }
        String test = CifarReader.CIFAR10_TEST.get(0);
        write(folder.resolve(test), dataset.test(), 0, dataset.test().count());
        records.put(test, dataset.test().count());
        RecordCounts.declare(folder, records);
    }

    private static void write(Path file, ImageSet set, int from, int to) {
        int size = set.imageSize();
        byte[] bytes = new byte[(to - from) * (1 + size)];
        for (int i = from; i < to; i++) {
            int record = (i - from) * (1 + size);
            bytes[record] = set.labels()[i];
            System.arraycopy(set.pixels(), i * size, bytes, record + 1, size);
        }
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw DatasetException.inFile(file, "cannot write (" + DatasetException.describe(e) + ")", e);
        }
    }
}
