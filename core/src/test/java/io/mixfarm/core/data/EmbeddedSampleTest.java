package io.mixfarm.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EmbeddedSampleTest {

    private static Dataset sample;

    @BeforeAll
    static void load() {
        sample = EmbeddedSample.load();
    }

    @Test
    void hasTheDocumentedSplit() {
        assertEquals("mnist-sample", sample.name());
        assertEquals(8_000, sample.train().count());
        assertEquals(2_000, sample.test().count());
        assertEquals(10, sample.classes());
        assertEquals(1, sample.train().channels());
        assertEquals(28, sample.train().height());
        assertEquals(28, sample.train().width());
        int[] twoHundred = new int[10];
        Arrays.fill(twoHundred, 200);
        assertArrayEquals(twoHundred, sample.test().classCounts());
        // The npm package holds 1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978 digits; train keeps all but 200.
        assertArrayEquals(new int[] {801, 927, 791, 832, 780, 663, 814, 870, 744, 778}, sample.train().classCounts());
    }

    @Test
    void classesAreInterleaved() {
        // Shuffled within each split: the first 100 images are not one class.
        int[] firstHundred = sample.test().slice(0, 100).classCounts();
        assertTrue(Arrays.stream(firstHundred).allMatch(n -> n > 0), Arrays.toString(firstHundred));
    }

    @Test
    void pixelsUseTheFullByteRange() {
        int min = 255;
        int max = 0;
        long ink = 0;
        for (byte b : sample.train().pixels()) {
            int v = b & 0xFF;
            min = Math.min(min, v);
            max = Math.max(max, v);
            ink += v > 0 ? 1 : 0;
        }
        assertEquals(0, min);
        assertEquals(255, max);
        double inkFraction = ink / (double) sample.train().pixels().length;
        assertTrue(inkFraction > 0.15 && inkFraction < 0.25, "MNIST digits cover about 19% of pixels: " + inkFraction);
    }

    @Test
    void trainAndTestShareNoImage() {
        Set<ByteBuffer> train = new HashSet<>();
        int size = sample.train().imageSize();
        for (int i = 0; i < sample.train().count(); i++) {
            train.add(ByteBuffer.wrap(sample.train().pixels(), i * size, size).slice());
        }
        for (int i = 0; i < sample.test().count(); i++) {
            ByteBuffer image = ByteBuffer.wrap(sample.test().pixels(), i * size, size).slice();
            assertFalse(train.contains(image), "test image " + i + " is also in train");
        }
    }

    @Test
    void filesMatchTheChecksumsInProvenance() throws IOException {
        String provenance = resourceText("PROVENANCE.md");
        for (String name : new String[] {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}) {
            String row = "| `" + name + "` | `" + sha256(resourceBytes(name)) + "` |";
            assertTrue(provenance.contains(row), "PROVENANCE.md should list " + row);
        }
        assertTrue(provenance.contains("CC BY-SA 3.0"));
    }

    private static byte[] resourceBytes(String name) throws IOException {
        try (InputStream in = EmbeddedSample.class.getResourceAsStream(EmbeddedSample.RESOURCE_FOLDER + name)) {
            assertNotNull(in, name);
            return in.readAllBytes();
        }
    }

    private static String resourceText(String name) throws IOException {
        return new String(resourceBytes(name), StandardCharsets.UTF_8);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
