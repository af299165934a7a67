package io.mixfarm.core.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/** Small generated data for the tests: random image sets, gzip and tar archives. */
final class TestData {

    private TestData() {
    }

    /** {@code count} random images of the given shape with labels cycling through the classes. */
    static ImageSet images(int count, int channels, int height, int width, int classes, long seed) {
        Random random = new Random(seed);
        byte[] pixels = new byte[count * channels * height * width];
        random.nextBytes(pixels);
        byte[] labels = new byte[count];
        for (int i = 0; i < count; i++) {
            labels[i] = (byte) (i % classes);
        }
        return new ImageSet(count, channels, height, width, classes, pixels, labels);
    }

    /** A small MNIST-like data set: 28x28, one channel, 10 classes. */
    static Dataset mnistLike(int train, int test) {
        return new Dataset("test", images(train, 1, 28, 28, 10, 1), images(test, 1, 28, 28, 10, 2));
    }

    static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Builds an uncompressed tar archive, one ustar header per entry. */
    static final class Tar {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Tar directory(String name) {
            header(name, 0, '5');
            return this;
        }

        Tar file(String name, byte[] content) {
            return entry(name, content, '0');
        }

        /** An entry of any type, such as 'L' (GNU long name) or 'x' (pax header), with its content. */
        Tar entry(String name, byte[] content, char type) {
            header(name, content.length, type);
            out.writeBytes(content);
            out.writeBytes(new byte[(512 - content.length % 512) % 512]);
            return this;
        }

        Tar symlink(String name) {
            header(name, 0, '2');
            return this;
        }

        /** The archive with its end marker of two zero blocks. */
        byte[] bytes() {
            ByteArrayOutputStream done = new ByteArrayOutputStream();
            done.writeBytes(out.toByteArray());
            done.writeBytes(new byte[1024]);
            return done.toByteArray();
        }

        private void header(String name, long size, char type) {
            byte[] h = new byte[512];
            put(h, 0, name);
            put(h, 100, "0000644");
            put(h, 108, "0000000");
            put(h, 116, "0000000");
            put(h, 124, String.format("%011o", size));
            put(h, 136, "00000000000");
            h[156] = (byte) type;
            put(h, 257, "ustar");
            put(h, 263, "00");
            for (int i = 148; i < 156; i++) {
                h[i] = ' ';
            }
            int sum = 0;
            for (byte b : h) {
                sum += b & 0xFF;
            }
            put(h, 148, String.format("%06o", sum));
            h[154] = 0;
            out.writeBytes(h);
        }

        private static void put(byte[] header, int offset, String text) {
            byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(bytes, 0, header, offset, bytes.length);
        }
    }
}
