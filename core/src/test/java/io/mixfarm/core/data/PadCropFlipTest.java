package io.mixfarm.core.data;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pad 4, random crop, random flip: against an explicitly padded image, pixel by pixel. */
class PadCropFlipTest {

    private static final int SIDE = 32;
    private static final int PAD = 4;
    private static final PadCropFlip AUGMENT = new PadCropFlip(PAD);

    /** Two CIFAR-shaped images whose pixels are all non-zero and tell channel, row and column apart. */
    private static ImageSet images() {
        byte[] pixels = new byte[2 * 3 * SIDE * SIDE];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (1 + i % 251);
        }
        return new ImageSet(2, 3, SIDE, SIDE, 10, pixels, new byte[] {3, 7});
    }

    /** Image {@code index} with {@code PAD} zero pixels on every side: [channel][row][column]. */
    private static int[][][] padded(ImageSet images, int index) {
        int side = SIDE + 2 * PAD;
        int[][][] out = new int[3][side][side];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < SIDE; y++) {
                for (int x = 0; x < SIDE; x++) {
                    out[c][y + PAD][x + PAD] = images.pixels()[index * images.imageSize() + (c * SIDE + y) * SIDE + x]
                            & 0xFF;
                }
            }
        }
        return out;
    }

    private static byte[] write(ImageSet images, int index, PadCropFlip.Draw draw) {
        byte[] out = new byte[images.imageSize()];
        AUGMENT.write(images, index, draw, out, 0);
        return out;
    }

    private static int at(byte[] image, int c, int y, int x) {
        return image[(c * SIDE + y) * SIDE + x] & 0xFF;
    }

    @Test
    void everyCropIsAWindowOfThePaddedImage() {
        ImageSet images = images();
        int[][][] padded = padded(images, 1);
        for (int top = 0; top <= 2 * PAD; top++) {
            for (int left = 0; left <= 2 * PAD; left++) {
                byte[] crop = write(images, 1, new PadCropFlip.Draw(top, left, false));
                for (int c = 0; c < 3; c++) {
                    for (int y = 0; y < SIDE; y++) {
                        for (int x = 0; x < SIDE; x++) {
                            assertEquals(padded[c][y + top][x + left], at(crop, c, y, x),
                                    "offset " + top + "," + left + " pixel " + c + "," + y + "," + x);
                        }
                    }
                }
            }
        }
    }

    @Test
    void theCentredCropWithoutFlipIsTheImageItselfAndACornerCropIsPartlyPadding() {
        ImageSet images = images();
        byte[] centre = write(images, 0, new PadCropFlip.Draw(PAD, PAD, false));
        assertArrayEquals(Arrays.copyOfRange(images.pixels(), 0, images.imageSize()), centre);
        byte[] corner = write(images, 0, new PadCropFlip.Draw(0, 0, false));
        assertEquals(0, at(corner, 0, 0, 0), "top-left corner of a (0, 0) crop is padding");
        assertEquals(0, at(corner, 2, PAD - 1, SIDE - 1), "the first rows are padding");
        assertEquals(at(centre, 1, 0, 0), at(corner, 1, PAD, PAD), "the image starts PAD pixels in");
    }

    @Test
    void aFlipIsTheExactMirrorImageOfTheSameCrop() {
        ImageSet images = images();
        SplittableRandom random = new SplittableRandom(3);
        for (int k = 0; k < 20; k++) {
            PadCropFlip.Draw draw = AUGMENT.draw(random);
            byte[] plain = write(images, k % 2, new PadCropFlip.Draw(draw.top(), draw.left(), false));
            byte[] mirrored = write(images, k % 2, new PadCropFlip.Draw(draw.top(), draw.left(), true));
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < SIDE; y++) {
                    for (int x = 0; x < SIDE; x++) {
                        assertEquals(at(plain, c, y, SIDE - 1 - x), at(mirrored, c, y, x), draw + " at " + x);
                    }
                }
            }
            assertFalse(Arrays.equals(plain, mirrored), "the test image is not symmetric");
        }
    }

    @Test
    void drawsCoverEveryOffsetInsideThePaddingAndFlipHalfTheTime() {
        SplittableRandom random = new SplittableRandom(11);
        int[][] seen = new int[2 * PAD + 1][2 * PAD + 1];
        int flips = 0;
        int draws = 20_000;
        for (int k = 0; k < draws; k++) {
            PadCropFlip.Draw draw = AUGMENT.draw(random);
            assertTrue(draw.top() >= 0 && draw.top() <= 2 * PAD && draw.left() >= 0 && draw.left() <= 2 * PAD,
                    "crop outside the padded image: " + draw);
            seen[draw.top()][draw.left()]++;
            flips += draw.flip() ? 1 : 0;
        }
        for (int[] row : seen) {
            for (int count : row) {
                // 20,000 / 81 = 247 expected per offset; 100 is more than 9 standard deviations below.
                assertTrue(count > 100, "an offset was (almost) never drawn: " + Arrays.deepToString(seen));
            }
        }
        // Binomial(20,000, 1/2): sd 71; 500 is 7 sd.
        assertEquals(draws / 2.0, flips, 500);
    }

    @Test
    void theSameStreamGivesTheSameImagesAndAnotherStreamOthers() {
        ImageSet images = images();
        byte[] a = new byte[2 * images.imageSize()];
        byte[] b = new byte[a.length];
        byte[] c = new byte[a.length];
        SplittableRandom ra = new SplittableRandom(42);
        SplittableRandom rb = new SplittableRandom(42);
        SplittableRandom rc = new SplittableRandom(43);
        for (int round = 0; round < 5; round++) {
            for (int i = 0; i < 2; i++) {
                AUGMENT.apply(images, i, ra, a, i * images.imageSize());
                AUGMENT.apply(images, i, rb, b, i * images.imageSize());
                AUGMENT.apply(images, i, rc, c, i * images.imageSize());
            }
            assertArrayEquals(a, b, "round " + round);
        }
        assertFalse(Arrays.equals(a, c));
    }

    @Test
    void noneCopiesTheImageAndNegativePaddingIsRejected() {
        ImageSet images = images();
        byte[] out = new byte[images.imageSize()];
        Augmentation.NONE.apply(images, 1, null, out, 0);
        assertArrayEquals(Arrays.copyOfRange(images.pixels(), images.imageSize(), 2 * images.imageSize()), out);
        assertThrows(IllegalArgumentException.class, () -> new PadCropFlip(-1));
    }
}
