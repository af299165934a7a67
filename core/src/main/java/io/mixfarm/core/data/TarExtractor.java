package io.mixfarm.core.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal tar reader that extracts regular files and folders.
 *
 * <p>It reads ustar headers, GNU long names and the {@code path} of pax extended headers, which is
 * enough for data set archives such as {@code cifar-10-binary.tar.gz}; links, devices and other pax
 * attributes are skipped. Entry names that are absolute or climb out of the target folder
 * with {@code ..} are refused, so a hostile archive cannot write elsewhere.
 */
final class TarExtractor {

    private static final int BLOCK = 512;
    private static final int NAME_LENGTH = 100;
    private static final int SIZE_OFFSET = 124;
    private static final int SIZE_LENGTH = 12;
    private static final int CHECKSUM_OFFSET = 148;
    private static final int CHECKSUM_LENGTH = 8;
    private static final int TYPE_OFFSET = 156;
    private static final int MAGIC_OFFSET = 257;
    private static final int PREFIX_OFFSET = 345;
    private static final int PREFIX_LENGTH = 155;
    private static final byte REGULAR = '0';
    private static final byte REGULAR_OLD = 0;
    private static final byte DIRECTORY = '5';
    private static final byte GNU_LONG_NAME = 'L';
    private static final byte PAX_HEADER = 'x';
    /** Longest GNU long name or pax header accepted; real ones are a few hundred bytes. */
    private static final int MAX_META = 1 << 20;

    private TarExtractor() {
    }

    /**
     * Extracts the tar stream {@code tar} (uncompressed) into {@code target}; {@code archive} names it
     * in messages. Returns the regular files written, in archive order.
     */
    static List<Path> extract(InputStream tar, Path target, String archive) {
        Path root = target.toAbsolutePath().normalize();
        List<Path> written = new ArrayList<>();
        long offset = 0;
        String longName = null;
        try {
            Files.createDirectories(root);
            while (true) {
                byte[] header = tar.readNBytes(BLOCK);
                if (header.length == 0 || isZero(header)) {
                    return written; // end-of-archive marker (or an archive that simply ends)
                }
                if (header.length < BLOCK) {
                    throw DatasetException.inFile(archive, "truncated tar header at offset " + offset);
                }
                checkChecksum(header, archive, offset);
                long size = size(header, archive, offset);
                String name = longName != null ? longName : name(header);
                longName = null;
                byte type = header[TYPE_OFFSET];
                offset += BLOCK;
                long padded = (size + BLOCK - 1) / BLOCK * BLOCK;
                if (type == GNU_LONG_NAME) {
                    longName = cString(readExactly(tar, size, archive, offset), 0, (int) size);
                    skip(tar, padded - size, archive, offset);
                } else if (type == PAX_HEADER) {
                    longName = paxPath(readExactly(tar, size, archive, offset));
                    skip(tar, padded - size, archive, offset);
                } else if (type == REGULAR || type == REGULAR_OLD) {
                    Path file = resolve(root, name, archive);
                    Files.createDirectories(file.getParent());
                    copy(tar, file, size, archive, offset);
                    skip(tar, padded - size, archive, offset);
                    written.add(file);
                } else {
                    if (type == DIRECTORY) {
                        Files.createDirectories(resolve(root, name, archive));
                    }
                    skip(tar, padded, archive, offset);
                }
                offset += padded;
            }
        } catch (IOException e) {
            throw DatasetException.inFile(archive, "cannot extract (" + DatasetException.describe(e) + ")", e);
        }
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    /** The header checksum is the byte sum of the header with the checksum field read as spaces. */
    private static void checkChecksum(byte[] header, String archive, long offset) {
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            boolean inField = i >= CHECKSUM_OFFSET && i < CHECKSUM_OFFSET + CHECKSUM_LENGTH;
            sum += inField ? ' ' : header[i] & 0xFF;
        }
        long stored = octal(header, CHECKSUM_OFFSET, CHECKSUM_LENGTH, archive, offset);
        if (stored != sum) {
            throw DatasetException.inFile(archive, "corrupt tar header at offset " + offset
                    + ": checksum " + stored + ", computed " + sum);
        }
    }

    private static long size(byte[] header, String archive, long offset) {
        if ((header[SIZE_OFFSET] & 0x80) != 0) {
            throw DatasetException.inFile(archive, "unsupported tar entry at offset " + offset
                    + ": base-256 size (entries of 8 GiB or more)");
        }
        return octal(header, SIZE_OFFSET, SIZE_LENGTH, archive, offset);
    }

    private static long octal(byte[] header, int from, int length, String archive, long offset) {
        String text = cString(header, from, length).trim();
        try {
            return text.isEmpty() ? 0 : Long.parseLong(text, 8);
        } catch (NumberFormatException e) {
            throw DatasetException.inFile(archive, "corrupt tar header at offset " + offset
                    + ": '" + text + "' is not an octal number", e);
        }
    }

    private static String name(byte[] header) {
        String name = cString(header, 0, NAME_LENGTH);
        boolean ustar = cString(header, MAGIC_OFFSET, 5).equals("ustar");
        String prefix = ustar ? cString(header, PREFIX_OFFSET, PREFIX_LENGTH) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    private static String cString(byte[] bytes, int from, int length) {
        int end = from;
        while (end < from + length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, from, end - from, StandardCharsets.UTF_8);
    }

    private static Path resolve(Path root, String name, String archive) {
        Path file = root.resolve(name).normalize();
        if (name.isEmpty() || name.startsWith("/") || !file.startsWith(root) || file.equals(root)) {
            throw DatasetException.inFile(archive, "unsafe tar entry name '" + name + "'");
        }
        return file;
    }

    private static void copy(InputStream tar, Path file, long size, String archive, long offset) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long left = size;
        try (OutputStream out = Files.newOutputStream(file)) {
            while (left > 0) {
                int n = tar.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    throw DatasetException.inFile(archive, "truncated: entry at offset " + offset + " needs "
                            + size + " bytes, found " + (size - left));
                }
                out.write(buffer, 0, n);
                left -= n;
            }
        }
    }

    private static byte[] readExactly(InputStream tar, long size, String archive, long offset) throws IOException {
        if (size > MAX_META) {
            throw DatasetException.inFile(archive, "corrupt tar header at offset " + offset + ": " + size
                    + "-byte long name or pax header");
        }
        byte[] bytes = tar.readNBytes((int) size);
        if (bytes.length < size) {
            throw DatasetException.inFile(archive, "truncated: entry at offset " + offset + " needs " + size
                    + " bytes, found " + bytes.length);
        }
        return bytes;
    }

    /** The {@code path} record of a pax header ("LENGTH path=VALUE\n" records), or null if none. */
    private static String paxPath(byte[] pax) {
        String text = new String(pax, StandardCharsets.UTF_8);
        for (String record : text.split("\n")) {
            int space = record.indexOf(' ');
            if (space > 0 && record.startsWith("path=", space + 1)) {
                return record.substring(space + 1 + "path=".length());
            }
        }
        return null;
    }

    private static void skip(InputStream tar, long bytes, String archive, long offset) throws IOException {
        try {
            tar.skipNBytes(bytes);
        } catch (EOFException e) {
            throw DatasetException.inFile(archive, "truncated: entry at offset " + offset + " is cut off", e);
        }
    }
}
