package io.mixfarm.core.bench;

import io.mixfarm.core.data.ImageSet;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MinibatchesTest {

    /** 10 one-pixel images whose pixel value is 10 x their index and whose label is index mod 3. */
    private static ImageSet numbered() {
        byte[] pixels = new byte[10];
        byte[] labels = new byte[10];
        for (int i = 0; i < 10; i++) {
            pixels[i] = (byte) (10 * i);
            labels[i] = (byte) (i % 3);
        }
        return new ImageSet(10, 1, 1, 1, 3, pixels, labels);
    }

    @Test
    void fullShuffledBatchesOfDistinctImagesWithTheirOwnLabels() {
        List<DataSet> batches = Minibatches.of(numbered(), 3, 99, 5);
        assertEquals(3, batches.size(), "10 images make 3 full batches of 3; the remainder is dropped");
        Set<Integer> seen = new HashSet<>();
        for (DataSet batch : batches) {
            assertEquals(3, batch.numExamples());
            for (int row = 0; row < 3; row++) {
                int image = Math.round(batch.getFeatures().getFloat(row, 0) * 255 / 10);
                assertTrue(seen.add(image), "image " + image + " twice");
                assertEquals(1f, batch.getLabels().getFloat(row, image % 3));
                assertEquals(1f, batch.getLabels().getRow(row).sumNumber().floatValue());
            }
        }
    }

    @Test
    void theCountCapsTheBatchesAndTheSeedFixesTheOrder() {
        List<DataSet> a = Minibatches.of(numbered(), 2, 2, 7);
        List<DataSet> b = Minibatches.of(numbered(), 2, 2, 7);
        List<DataSet> c = Minibatches.of(numbered(), 2, 5, 8);
        assertEquals(2, a.size());
        assertEquals(a.get(0).getFeatures(), b.get(0).getFeatures());
        assertTrue(!c.get(0).getFeatures().equals(a.get(0).getFeatures())
                || !c.get(1).getFeatures().equals(a.get(1).getFeatures()), "another seed, another order");
    }

    @Test
    void featuresScaleEveryImageToTheUnitInterval() {
        assertEquals(90 / 255f, Minibatches.features(numbered()).getFloat(9, 0), 1e-7);
    }

    @Test
    void aSetSmallerThanOneBatchIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Minibatches.of(numbered(), 11, 1, 1));
    }
}
