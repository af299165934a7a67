package io.mixfarm.core.data;

import java.util.Objects;

/**
 * A named pair of train and test sets whose images have the same shape and the same classes.
 *
 * @param name  short name such as {@code mnist-sample} or {@code cifar10}
 * @param train the training images
 * @param test  the held-out test images
 */
public record Dataset(String name, ImageSet train, ImageSet test) {

    /** Checks that train and test agree in channels, height, width and classes. */
    public Dataset {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(test, "test");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        if (train.channels() != test.channels() || train.height() != test.height() || train.width() != test.width()) {
            throw new IllegalArgumentException(name + ": train images are " + shape(train)
                    + " but test images are " + shape(test));
        }
        if (train.classes() != test.classes()) {
            throw new IllegalArgumentException(name + ": train has " + train.classes()
                    + " classes but test has " + test.classes());
        }
    }

    /** Number of classes, shared by train and test. */
    public int classes() {
        return train.classes();
    }

    private static String shape(ImageSet set) {
        return set.channels() + "x" + set.height() + "x" + set.width();
    }
}
