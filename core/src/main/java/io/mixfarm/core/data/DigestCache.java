package io.mixfarm.core.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * SHA-256 digests of data files, remembered in one small text file by absolute path, size and modification time,
 * so a farm does not read gigabytes again to fingerprint data it fingerprinted before. A file whose size or
 * mtime changed is digested afresh. The cache is only a shortcut: when it cannot be read or written, files are
 * digested every time.
 *
 * <p>It lives in the user's cache folder ({@link #user()}), not beside the data: data folders are often read-only
 * (a package's {@code /usr/share/datasets/...}, a shared cluster mount), and a file added to a data folder would
 * change the very listing being fingerprinted.
 */
public final class DigestCache {

    private final Path file;

    /** A cache kept in {@code file} (created when first written). */
    public DigestCache(Path file) {
        this.file = Objects.requireNonNull(file, "file");
    }

    /** The user's cache: {@code $XDG_CACHE_HOME/mixfarm/file-sha256.tsv}, by default under {@code ~/.cache}. */
    public static DigestCache user() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return new DigestCache(base.resolve("mixfarm").resolve("file-sha256.tsv"));
    }

    /** The file the cache is kept in. */
    public Path file() {
        return file;
    }

    /** The SHA-256 of a file's bytes as 64 lower-case hex digits, from the cache when its size and mtime match. */
    public synchronized String sha256(Path data) {
        Path path = data.toAbsolutePath().normalize();
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (IOException e) {
            throw DatasetException.inFile(path, "cannot read (" + DatasetException.describe(e) + ")", e);
        }
        long size = attributes.size();
        long mtime = attributes.lastModifiedTime().toMillis();
        Map<Path, Entry> entries = read();
        Entry known = entries.get(path);
        if (known != null && known.size() == size && known.mtime() == mtime) {
            return known.sha256();
        }
        String digest;
        try (InputStream in = Files.newInputStream(path)) {
            digest = sha256(in);
        } catch (IOException e) {
            throw DatasetException.inFile(path, "cannot read (" + DatasetException.describe(e) + ")", e);
        }
        // Entries of files that are gone (a test's temporary data) are dropped, so the file stays small.
        entries.keySet().removeIf(file -> !Files.exists(file));
        entries.put(path, new Entry(size, mtime, digest));
        write(entries);
        return digest;
    }

    /** The SHA-256 of a stream's remaining bytes as 64 lower-case hex digits; the caller closes the stream. */
    public static String sha256(InputStream in) throws IOException {
        MessageDigest digest = newDigest();
        byte[] buffer = new byte[1 << 16];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The SHA-256 of a string's UTF-8 bytes as 64 lower-case hex digits. */
    static String sha256(String text) {
        return HexFormat.of().formatHex(newDigest().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** One file's digest and the size and mtime it was taken at. */
    private record Entry(long size, long mtime, String sha256) {
    }

    /** Lines {@code digest TAB size TAB mtime-millis TAB absolute path}, by path. */
    private Map<Path, Entry> read() {
        Map<Path, Entry> entries = new LinkedHashMap<>();
        if (!Files.isRegularFile(file)) {
            return entries;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] parts = line.split("\t", 4);
                if (parts.length == 4 && parts[0].length() == 64) {
                    entries.put(Path.of(parts[3]), new Entry(Long.parseLong(parts[1]), Long.parseLong(parts[2]),
                            parts[0]));
                }
            }
        } catch (IOException | RuntimeException e) {
            entries.clear(); // an unreadable or damaged cache only costs new digests
        }
        return entries;
    }

    private void write(Map<Path, Entry> entries) {
        List<String> lines = entries.entrySet().stream().map(e -> e.getValue().sha256() + "\t" + e.getValue().size()
                + "\t" + e.getValue().mtime() + "\t" + e.getKey()).toList();
        try {
            Files.createDirectories(file.getParent());
            // A temp file and a rename: two farms starting at once each leave a whole file, never a torn one.
            Path temp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
            try {
                Files.write(temp, lines, StandardCharsets.UTF_8);
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException | UnsupportedOperationException e) {
            // Not writable (a read-only home, a container): the digest stands, only the shortcut is lost.
        }
    }
}
