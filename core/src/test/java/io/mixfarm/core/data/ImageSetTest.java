package io.mixfarm.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ImageSetTest {

    /** Three 1x2x2 images with labels 2, 0, 1 and pixels 0..11. */
    private static ImageSet three() {
        byte[] pixels = new byte[12];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 20);
        }
        return new ImageSet(3, 1, 2, 2, 3, pixels, new byte[] {2, 0, 1});
    }

    @Test
    void exposesShapeAndUnsignedLabels() {
        byte[] labels = {(byte) 255, 0};
        ImageSet set = new ImageSet(2, 3, 4, 5, 256, new byte[2 * 60], labels);
        assertEquals(60, set.imageSize());
        assertEquals(255, set.label(0));
        assertEquals(0, set.label(1));
        assertThrows(IndexOutOfBoundsException.class, () -> set.label(2));
        assertEquals("ImageSet[count=2, shape=3x4x5, classes=256]", set.toString());
    }

    @Test
    void rejectsWrongPixelCount() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ImageSet(2, 1, 2, 2, 3, new byte[7], new byte[2]));
        assertTrue(e.getMessage().contains("pixels.length"), e.getMessage());
    }

    @Test
    void rejectsWrongLabelCount() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ImageSet(2, 1, 2, 2, 3, new byte[8], new byte[3]));
        assertTrue(e.getMessage().contains("labels.length"), e.getMessage());
    }

    @Test
    void rejectsLabelOutOfRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ImageSet(2, 1, 2, 2, 3, new byte[8], new byte[] {0, 3}));
        assertTrue(e.getMessage().contains("label 3 of image 1"), e.getMessage());
    }

    @Test
    void rejectsBadShapeAndClasses() {
        assertThrows(IllegalArgumentException.class, () -> new ImageSet(-1, 1, 1, 1, 2, new byte[0], new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> new ImageSet(0, 0, 1, 1, 2, new byte[0], new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> new ImageSet(0, 1, 1, 1, 0, new byte[0], new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> new ImageSet(0, 1, 1, 1, 257, new byte[0], new byte[0]));
        assertThrows(NullPointerException.class, () -> new ImageSet(0, 1, 1, 1, 2, null, new byte[0]));
    }

    @Test
    void sliceCopiesARange() {
        ImageSet set = three();
        ImageSet slice = set.slice(1, 3);
        assertEquals(2, slice.count());
        assertArrayEquals(new byte[] {0, 1}, slice.labels());
        assertEquals((byte) 80, slice.pixels()[0]);
        slice.pixels()[0] = 1;
        assertEquals((byte) 80, set.pixels()[4], "slice must copy");
        assertEquals(0, set.slice(2, 2).count());
        assertThrows(IndexOutOfBoundsException.class, () -> set.slice(2, 4));
    }

    @Test
    void selectPicksImagesInOrderWithRepeats() {
        ImageSet set = three();
        ImageSet picked = set.select(new int[] {2, 0, 2});
        assertArrayEquals(new byte[] {1, 2, 1}, picked.labels());
        assertTrue(picked.slice(0, 1).sameContent(set.slice(2, 3)));
        assertTrue(picked.slice(1, 2).sameContent(set.slice(0, 1)));
        assertThrows(IndexOutOfBoundsException.class, () -> set.select(new int[] {3}));
    }

    @Test
    void countsClasses() {
        assertArrayEquals(new int[] {1, 1, 1}, three().classCounts());
        assertArrayEquals(new int[] {0, 2, 1}, three().select(new int[] {2, 2, 0}).classCounts());
    }

    @Test
    void equalsIsByReferenceSameContentByValue() {
        ImageSet a = three();
        ImageSet b = three();
        assertNotSame(a.pixels(), b.pixels());
        assertFalse(a.equals(b), "records compare arrays by reference");
        assertTrue(a.sameContent(b));
        b.pixels()[5] = 99;
        assertFalse(a.sameContent(b));
        assertFalse(a.sameContent(null));
    }

    @Test
    void datasetRequiresMatchingShapesAndClasses() {
        ImageSet mnist = TestData.images(2, 1, 28, 28, 10, 1);
        assertEquals(10, new Dataset("ok", mnist, mnist).classes());
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> new Dataset("bad", mnist, TestData.images(2, 1, 28, 27, 10, 1)));
        assertTrue(shape.getMessage().contains("1x28x28") && shape.getMessage().contains("1x28x27"), shape.getMessage());
        IllegalArgumentException classes = assertThrows(IllegalArgumentException.class,
                () -> new Dataset("bad", mnist, TestData.images(2, 1, 28, 28, 9, 1)));
        assertTrue(classes.getMessage().contains("classes"), classes.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Dataset(" ", mnist, mnist));
    }
}
