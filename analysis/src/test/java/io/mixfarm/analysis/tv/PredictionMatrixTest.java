package io.mixfarm.analysis.tv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PredictionMatrixTest {

    @Test
    void ofSortsRowsByTrialId() {
        PredictionMatrix m = PredictionMatrix.of(3, new int[] {7, 2, 5},
                new byte[][] {{2, 2}, {0, 1}, {1, 0}});
        assertArrayEquals(new int[] {2, 5, 7}, m.trialIds());
        assertArrayEquals(new byte[] {0, 1, 1, 0, 2, 2}, m.predicted());
        assertEquals(3, m.trials());
        assertEquals(2, m.images());
        assertEquals(2, m.classAt(2, 0));
        assertEquals(1, m.classAt(0, 1));
    }

    @Test
    void classesAboveOneHundredTwentySevenReadUnsigned() {
        PredictionMatrix m = PredictionMatrix.of(256, new int[] {0}, new byte[][] {{(byte) 255, (byte) 128}});
        assertEquals(255, m.classAt(0, 0));
        assertEquals(128, m.classAt(0, 1));
    }

    @Test
    void isImmutable() {
        byte[] predicted = {0, 1};
        int[] ids = {4};
        PredictionMatrix m = new PredictionMatrix(1, 2, 2, predicted, ids);
        predicted[0] = 1;
        ids[0] = 9;
        m.predicted()[1] = 0;
        m.trialIds()[0] = 3;
        assertArrayEquals(new byte[] {0, 1}, m.predicted());
        assertArrayEquals(new int[] {4}, m.trialIds());
    }

    @Test
    void equalityIsByContent() {
        PredictionMatrix a = new PredictionMatrix(1, 2, 2, new byte[] {0, 1}, new int[] {4});
        PredictionMatrix b = new PredictionMatrix(1, 2, 2, new byte[] {0, 1}, new int[] {4});
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, new PredictionMatrix(1, 2, 2, new byte[] {1, 1}, new int[] {4}));
        assertTrue(a.toString().contains("trials=1"), a.toString());
    }

    @Test
    void rejectsBadShapesAndValues() {
        assertMessage("trials must be >= 1", () -> new PredictionMatrix(0, 1, 2, new byte[0], new int[0]));
        assertMessage("images must be >= 1", () -> new PredictionMatrix(1, 0, 2, new byte[0], new int[] {0}));
        assertMessage("classes must be in 1..256", () -> new PredictionMatrix(1, 1, 257, new byte[1], new int[] {0}));
        assertMessage("expected trials x images = 2 x 2 = 4",
                () -> new PredictionMatrix(2, 2, 2, new byte[3], new int[] {0, 1}));
        assertMessage("trialIds has 1 entries, expected 2",
                () -> new PredictionMatrix(2, 1, 2, new byte[2], new int[] {0}));
        assertMessage("strictly increasing, got 3 then 3",
                () -> new PredictionMatrix(2, 1, 2, new byte[2], new int[] {3, 3}));
        assertMessage("class 2 of trial 8, image 1 is outside 0..1",
                () -> new PredictionMatrix(2, 2, 2, new byte[] {0, 0, 1, 2}, new int[] {5, 8}));
        assertMessage("strictly increasing",
                () -> PredictionMatrix.of(2, new int[] {1, 1}, new byte[][] {{0}, {1}}));
        assertMessage("trial 1 has 2 predictions",
                () -> PredictionMatrix.of(2, new int[] {0, 1}, new byte[][] {{0}, {1, 1}}));
        assertThrows(IndexOutOfBoundsException.class, () -> Matrices.column(2, 0, 1).classAt(2, 0));
    }

    private static void assertMessage(String expected, Runnable action) {
        var e = assertThrows(IllegalArgumentException.class, action::run);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
