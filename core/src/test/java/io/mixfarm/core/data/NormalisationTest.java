package io.mixfarm.core.data;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NormalisationTest {

    /** Two 2x2 images of 3 channels: channel 0 constant 51, channel 1 half 0 half 255, channel 2 the ramp 0..7. */
    private static ImageSet images() {
        byte[] pixels = new byte[2 * 12];
        for (int i = 0; i < 2; i++) {
            for (int p = 0; p < 4; p++) {
                pixels[i * 12 + p] = 51;
                pixels[i * 12 + 4 + p] = (byte) (p % 2 == 0 ? 0 : 255);
                pixels[i * 12 + 8 + p] = (byte) (i * 4 + p);
            }
        }
        return new ImageSet(2, 3, 2, 2, 10, pixels, new byte[] {0, 1});
    }

    @Test
    void perChannelStatisticsAreTheTrainingSetsMeanAndPopulationStd() {
        Normalisation n = Normalisation.perChannel(images());
        assertEquals(0.2f, n.mean()[0], 1e-7);
        assertEquals(1f, n.std()[0], "a constant channel is only centred");
        assertEquals(0.5f, n.mean()[1], 1e-7);
        assertEquals(0.5f, n.std()[1], 1e-7);
        // 0..7: mean 3.5, population variance 63/12 = 5.25.
        assertEquals(3.5f / 255, n.mean()[2], 1e-7);
        assertEquals((float) (Math.sqrt(5.25) / 255), n.std()[2], 1e-7);
    }

    @Test
    void normalisedChannelsHaveMeanZeroAndUnitStd() {
        ImageSet images = images();
        Normalisation n = Normalisation.perChannel(images);
        float[] out = new float[24];
        for (int i = 0; i < 2; i++) {
            n.apply(images.pixels(), i * 12, 4, out, i * 12);
        }
        for (int c = 1; c < 3; c++) {
            double sum = 0;
            double squares = 0;
            for (int i = 0; i < 2; i++) {
                for (int p = 0; p < 4; p++) {
                    float v = out[i * 12 + c * 4 + p];
                    sum += v;
                    squares += v * v;
                }
            }
            assertEquals(0, sum / 8, 1e-6, "channel " + c);
            assertEquals(1, squares / 8, 1e-5, "channel " + c);
        }
    }

    @Test
    void unitIsExactlyPixelsOver255() {
        ImageSet images = images();
        float[] out = new float[12];
        Normalisation.unit(3).apply(images.pixels(), 12, 4, out, 0);
        float[] expected = new float[12];
        for (int k = 0; k < 12; k++) {
            expected[k] = (images.pixels()[12 + k] & 0xFF) / 255f;
        }
        assertArrayEquals(expected, out, "bitwise the floats MNIST trials have always used");
    }

    @Test
    void preprocessingValuesParseAndUnknownOnesNameTheKnown() {
        assertEquals(Preprocessing.Normalise.PER_CHANNEL, Preprocessing.Normalise.parse(" Per-Channel "));
        assertEquals(Preprocessing.Augment.PAD_CROP_FLIP, Preprocessing.Augment.parse("pad-crop-flip"));
        var e = assertThrows(IllegalArgumentException.class, () -> Preprocessing.Augment.parse("mixup"));
        assertEquals("unknown augmentation \"mixup\"; known: none, pad-crop-flip", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Preprocessing.Normalise.parse("zca"));
        assertEquals("unknown normalisation \"zca\"; known: none, per-channel", e.getMessage());
        assertTrue(Preprocessing.CIFAR.augment().create() instanceof PadCropFlip p && p.pad() == 4);
    }
}
