package io.mixfarm.core.data;

import java.util.SplittableRandom;

/**
 * Small stand-ins for CIFAR-10 (3x32x32, 10 classes) for tests and smoke runs where the real data is not on disk:
 * class {@code k}'s channel {@code c} is noise of +-30 around {@code 40 + 20 * ((k + c) mod 10)}, so the classes
 * differ in colour and a network learns them in a few epochs; labels cycle through the classes. Written to disk by
 * {@link CifarWriter}, it reads back through the real CIFAR-10 reader ({@code mixfarm data synth cifar10}).
 */
public final class SyntheticCifar {

    /** Name of the in-memory data set. */
    public static final String NAME = "synthetic-cifar10";

    private SyntheticCifar() {
    }

    /** {@code train} training and {@code test} test images, drawn from {@code seed}. */
    public static Dataset dataset(int train, int test, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return new Dataset(NAME, images(train, random), images(test, random));
    }

    /** {@code count} images, labels {@code i mod 10}, pixels drawn from {@code random}. */
    public static ImageSet images(int count, SplittableRandom random) {
        int plane = 32 * 32;
        byte[] pixels = new byte[count * 3 * plane];
        byte[] labels = new byte[count];
        for (int i = 0; i < count; i++) {
            int label = i % 10;
            labels[i] = (byte) label;
            for (int c = 0; c < 3; c++) {
                int centre = 40 + 20 * ((label + c) % 10);
                for (int p = 0; p < plane; p++) {
                    pixels[(i * 3 + c) * plane + p] = (byte) (centre + random.nextInt(61) - 30);
                }
            }
        }
        return new ImageSet(count, 3, 32, 32, 10, pixels, labels);
    }
}
