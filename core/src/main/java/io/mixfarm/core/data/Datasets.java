package io.mixfarm.core.data;

/** Opens a data set from a spec string such as {@code mnist-sample} or {@code cifar10:/data/cifar}. */
public final class Datasets {

    private Datasets() {
    }

    /**
     * Reads the data set named by {@code spec}: {@code mnist-sample}, {@code mnist:<folder>},
     * {@code fashion-mnist:<folder>}, {@code kmnist:<folder>}, {@code cifar10:<folder>},
     * {@code cifar100:<folder>} or {@code cifar100-coarse:<folder>}.
     *
     * @throws DatasetException if the spec is malformed or the data is missing or damaged
     */
    public static Dataset open(String spec) {
        return DatasetSpec.parse(spec).open();
    }
}
