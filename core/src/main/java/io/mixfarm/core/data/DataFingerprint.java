package io.mixfarm.core.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a data set's trials read, as one SHA-256: written {@code sha256:<64 hex digits>} in every trial row, so a
 * farm never mixes trials of different data. It digests, per file in reading order, the file's name and the
 * SHA-256 of its bytes: any changed byte changes it, a moved or copied folder keeps it. The embedded sample is
 * fingerprinted like a folder of the same four files, from the jar's bytes.
 *
 * @param sha256 64 lower-case hex digits
 */
public record DataFingerprint(String sha256) implements Serializable {

    private static final String PREFIX = "sha256:";
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

    /** Checks the digest's form. */
    public DataFingerprint {
        Objects.requireNonNull(sha256, "sha256");
        if (!HEX.matcher(sha256).matches()) {
            throw new IllegalArgumentException("a data fingerprint is " + PREFIX + "<64 hex digits>, got " + sha256);
        }
    }

    /** Parses {@link #text()}; throws {@link IllegalArgumentException} naming the text otherwise. */
    public static DataFingerprint parse(String text) {
        if (text == null || !text.startsWith(PREFIX)) {
            throw new IllegalArgumentException("a data fingerprint is " + PREFIX + "<64 hex digits>, got " + text);
        }
        return new DataFingerprint(text.substring(PREFIX.length()));
    }

    /**
     * The fingerprint of the files the spec's data set is read from; on-disk files' digests come from
     * {@code cache} when their path, size and mtime match.
     *
     * @throws DatasetException if a file is missing or unreadable
     */
    public static DataFingerprint of(DatasetSpec spec, DigestCache cache) {
        StringBuilder digests = new StringBuilder();
        if (spec.kind() == DatasetSpec.Kind.MNIST_SAMPLE) {
            for (String resource : EmbeddedSample.resources()) {
                try (InputStream in = EmbeddedSample.open(resource)) {
                    line(digests, resource.substring(resource.lastIndexOf('/') + 1), DigestCache.sha256(in));
                } catch (IOException e) {
                    throw DatasetException.inFile("classpath:" + resource, "cannot read ("
                            + DatasetException.describe(e) + ")", e);
                }
            }
        } else {
            for (Path file : spec.files()) {
                line(digests, file.getFileName().toString(), cache.sha256(file));
            }
        }
        return new DataFingerprint(DigestCache.sha256(digests.toString()));
    }

    private static void line(StringBuilder digests, String name, String sha256) {
        digests.append(name).append('\t').append(sha256).append('\n');
    }

    /** The stored form, {@code sha256:<64 hex digits>}. */
    public String text() {
        return PREFIX + sha256;
    }

    /** The first 12 hex digits, enough for messages. */
    public String abbreviated() {
        return PREFIX + sha256.substring(0, 12);
    }

    @Override
    public String toString() {
        return text();
    }
}
