package io.mixfarm.core.data;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a trial turns a data set's bytes into network input: the normalisation (train and test alike) and the
 * training augmentation. {@link #NONE} is what MNIST trials use.
 *
 * @param normalise how pixels are scaled
 * @param augment   how training images are changed on the fly
 */
public record Preprocessing(Normalise normalise, Augment augment) {

    /** Pixels scaled to [0, 1], no augmentation (docs/method.md, "Trials": MNIST needs neither under BN). */
    public static final Preprocessing NONE = new Preprocessing(Normalise.NONE, Augment.NONE);
    /** The CIFAR pipeline of docs/method.md, "Trials": per-channel standardisation, pad 4 + crop 32 + flip. */
    public static final Preprocessing CIFAR = new Preprocessing(Normalise.PER_CHANNEL, Augment.PAD_CROP_FLIP);

    public Preprocessing {
        if (normalise == null || augment == null) {
            throw new IllegalArgumentException("normalise and augment must both be given");
        }
    }

    /** The normalisation a spec value names. */
    public enum Normalise {
        /** {@code b / 255}: pixels in [0, 1]. */
        NONE("none"),
        /** {@code (b / 255 - mean_c) / std_c} with the training set's per-channel statistics. */
        PER_CHANNEL("per-channel");

        private final String label;

        Normalise(String label) {
            this.label = label;
        }

        /** The value as configs write it. */
        public String label() {
            return label;
        }

        /** The normalisation for a data set whose training images are {@code train}. */
        public Normalisation of(ImageSet train) {
            return this == NONE ? Normalisation.unit(train.channels()) : Normalisation.perChannel(train);
        }

        /** Parses a label, case-insensitively; an unknown one is one line naming the known ones. */
        public static Normalise parse(String label) {
            return Arrays.stream(values()).filter(v -> v.label.equals(label.strip().toLowerCase(Locale.ROOT)))
                    .findFirst().orElseThrow(() -> new IllegalArgumentException("unknown normalisation \"" + label
                            + "\"; known: " + Arrays.stream(values()).map(Normalise::label)
                            .collect(Collectors.joining(", "))));
        }
    }

    /** The training augmentation a spec value names. */
    public enum Augment {
        /** The images as they are. */
        NONE("none"),
        /** Pad 4, random 32x32 (image-size) crop, random horizontal flip: {@link PadCropFlip}. */
        PAD_CROP_FLIP("pad-crop-flip");

        private final String label;

        Augment(String label) {
            this.label = label;
        }

        /** The value as configs write it. */
        public String label() {
            return label;
        }

        /** The augmentation itself. */
        public Augmentation create() {
            return this == NONE ? Augmentation.NONE : new PadCropFlip(PadCropFlip.CIFAR_PAD);
        }

        /** Parses a label, case-insensitively; an unknown one is one line naming the known ones. */
        public static Augment parse(String label) {
            return Arrays.stream(values()).filter(v -> v.label.equals(label.strip().toLowerCase(Locale.ROOT)))
                    .findFirst().orElseThrow(() -> new IllegalArgumentException("unknown augmentation \"" + label
                            + "\"; known: " + Arrays.stream(values()).map(Augment::label)
                            .collect(Collectors.joining(", "))));
        }
    }
}
