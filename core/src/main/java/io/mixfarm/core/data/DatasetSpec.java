package io.mixfarm.core.data;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A parsed data set spec: a kind and, for data on disk, a folder ({@code kind:/path/to/folder}).
 *
 * @param kind   what the data set is and how to read it
 * @param folder the folder to read, or {@code null} for the embedded sample
 */
public record DatasetSpec(Kind kind, Path folder) {

    /** The data sets a spec can name. */
    public enum Kind {
        /** The embedded 10,000-digit MNIST sample; takes no folder. */
        MNIST_SAMPLE("mnist-sample", false),
        /** MNIST as IDX files. */
        MNIST("mnist", true),
        /** Fashion-MNIST as IDX files. */
        FASHION_MNIST("fashion-mnist", true),
        /** Kuzushiji-MNIST (KMNIST) as IDX files. */
        KMNIST("kmnist", true),
        /** CIFAR-10, binary version. */
        CIFAR10("cifar10", true),
        /** CIFAR-100, binary version, 100 fine labels. */
        CIFAR100("cifar100", true),
        /** CIFAR-100, binary version, 20 coarse labels. */
        CIFAR100_COARSE("cifar100-coarse", true);

        private final String label;
        private final boolean needsFolder;

        Kind(String label, boolean needsFolder) {
            this.label = label;
            this.needsFolder = needsFolder;
        }

        /** The name used in specs, such as {@code fashion-mnist}. */
        public String label() {
            return label;
        }

        /** Whether specs of this kind must name a folder. */
        public boolean needsFolder() {
            return needsFolder;
        }

        /** How a spec of this kind is written, such as {@code cifar10:<folder>}. */
        String usage() {
            return needsFolder ? label + ":<folder>" : label;
        }
    }

    /** Checks that a folder is given exactly when the kind needs one. */
    public DatasetSpec {
        Objects.requireNonNull(kind, "kind");
        if (kind.needsFolder() && folder == null) {
            throw new DatasetException("dataset kind '" + kind.label() + "' needs a folder: " + kind.usage());
        }
        if (!kind.needsFolder() && folder != null) {
            throw new DatasetException("dataset kind '" + kind.label() + "' takes no folder: " + kind.usage());
        }
    }

    /** Parses {@code kind} or {@code kind:folder}; an unknown kind names the accepted ones. */
    public static DatasetSpec parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new DatasetException("empty dataset spec; accepted: " + accepted());
        }
        String trimmed = spec.strip();
        int colon = trimmed.indexOf(':');
        String label = (colon < 0 ? trimmed : trimmed.substring(0, colon)).toLowerCase(Locale.ROOT);
        String folder = colon < 0 ? null : trimmed.substring(colon + 1);
        Kind kind = Arrays.stream(Kind.values())
                .filter(k -> k.label().equals(label))
                .findFirst()
                .orElseThrow(() -> new DatasetException("unknown dataset kind '" + label + "' in spec '" + trimmed
                        + "'; accepted: " + accepted()));
        if (folder != null && folder.isBlank()) {
            throw new DatasetException("dataset spec '" + trimmed + "' has an empty folder: " + kind.usage());
        }
        return new DatasetSpec(kind, folder == null ? null : Path.of(folder));
    }

    /**
     * Whether this spec and {@code other} name the same kind of images and labels, wherever their folders are: the
     * same kind, the embedded sample counting as MNIST (its digits are MNIST's). What one experiment measured on
     * such data, e.g. a noise floor, says something about the other.
     */
    public boolean sameImagesAs(DatasetSpec other) {
        return source(kind) == source(other.kind);
    }

    private static Kind source(Kind kind) {
        return kind == Kind.MNIST_SAMPLE ? Kind.MNIST : kind;
    }

    /** Reads the data set this spec names. */
    public Dataset open() {
        return switch (kind) {
            case MNIST_SAMPLE -> EmbeddedSample.load();
            case MNIST, FASHION_MNIST, KMNIST -> IdxReader.readFolder(folder, kind.label());
            case CIFAR10 -> CifarReader.readCifar10(folder);
            case CIFAR100 -> CifarReader.readCifar100(folder, CifarReader.Cifar100Labels.FINE);
            case CIFAR100_COARSE -> CifarReader.readCifar100(folder, CifarReader.Cifar100Labels.COARSE);
        };
    }

    /**
     * The files {@link #open()} reads, in reading order; empty for the embedded sample, whose bytes are
     * {@link EmbeddedSample#resources()}.
     */
    List<Path> files() {
        return switch (kind) {
            case MNIST_SAMPLE -> List.of();
            case MNIST, FASHION_MNIST, KMNIST -> IdxReader.files(folder);
            case CIFAR10 -> CifarReader.cifar10Files(folder);
            case CIFAR100, CIFAR100_COARSE -> CifarReader.cifar100Files(folder);
        };
    }

    /** The spec text, such as {@code mnist:/data/mnist}; {@code parse(toString())} gives an equal spec. */
    @Override
    public String toString() {
        return folder == null ? kind.label() : kind.label() + ":" + folder;
    }

    /** All accepted spec forms, for messages. */
    static String accepted() {
        return Arrays.stream(Kind.values()).map(Kind::usage).collect(Collectors.joining(", "));
    }
}
