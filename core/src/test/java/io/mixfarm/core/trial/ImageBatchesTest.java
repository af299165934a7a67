package io.mixfarm.core.trial;

import io.mixfarm.core.data.ImageSet;
import io.mixfarm.core.data.SyntheticCifar;
import io.mixfarm.core.data.Normalisation;
import io.mixfarm.core.data.PadCropFlip;
import io.mixfarm.core.data.Preprocessing;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** Minibatches as the trial runner assembles them: normalised, augmented from the trial seed, never cached. */
class ImageBatchesTest {

    private static final ImageSet IMAGES = SyntheticCifar.images(20, new SplittableRandom(1));
    private static final int[] BATCH = {7, 3, 3, 19, 0};

    @Test
    void withoutPreprocessingAFeatureIsExactlyThePixelOver255AndTheLabelIsOneHot() {
        ImageBatches batches = ImageBatches.training(IMAGES, Preprocessing.Normalise.NONE.of(IMAGES),
                Preprocessing.Augment.NONE.create(), 5);
        DataSet batch = batches.batch(BATCH);
        float[][] features = batch.getFeatures().toFloatMatrix();
        for (int k = 0; k < BATCH.length; k++) {
            float[] expected = new float[IMAGES.imageSize()];
            for (int p = 0; p < expected.length; p++) {
                expected[p] = (IMAGES.pixels()[BATCH[k] * IMAGES.imageSize() + p] & 0xFF) / 255f;
            }
            assertArrayEquals(expected, features[k], "row " + k);
            float[] hot = batch.getLabels().getRow(k).toFloatVector();
            assertEquals(1f, hot[IMAGES.label(BATCH[k])]);
            assertEquals(1.0, batch.getLabels().getRow(k).sumNumber().doubleValue());
        }
    }

    @Test
    void augmentedBatchesAreTheTrialStreamsCropsAndFlipsNormalised() {
        Normalisation normalisation = Normalisation.perChannel(IMAGES);
        ImageBatches batches = ImageBatches.training(IMAGES, normalisation,
                Preprocessing.Augment.PAD_CROP_FLIP.create(), 5);
        // The stream the runner documents: split off the trial seed, one draw per image in batch order.
        SplittableRandom stream = new SplittableRandom(5).split();
        PadCropFlip augment = new PadCropFlip(4);
        for (int step = 0; step < 3; step++) {
            float[][] features = batches.batch(BATCH).getFeatures().toFloatMatrix();
            for (int k = 0; k < BATCH.length; k++) {
                byte[] crop = new byte[IMAGES.imageSize()];
                augment.write(IMAGES, BATCH[k], augment.draw(stream), crop, 0);
                float[] expected = new float[crop.length];
                normalisation.apply(crop, 0, 32 * 32, expected, 0);
                assertArrayEquals(expected, features[k], "step " + step + " row " + k);
            }
        }
    }

    @Test
    void theSameSeedGivesTheSameBatchesAndAnotherSeedOthers() {
        Normalisation normalisation = Normalisation.perChannel(IMAGES);
        ImageBatches a = ImageBatches.training(IMAGES, normalisation, Preprocessing.Augment.PAD_CROP_FLIP.create(), 8);
        ImageBatches b = ImageBatches.training(IMAGES, normalisation, Preprocessing.Augment.PAD_CROP_FLIP.create(), 8);
        ImageBatches c = ImageBatches.training(IMAGES, normalisation, Preprocessing.Augment.PAD_CROP_FLIP.create(), 9);
        for (int step = 0; step < 3; step++) {
            INDArray fa = a.batch(BATCH).getFeatures();
            assertEquals(fa, b.batch(BATCH).getFeatures(), "step " + step);
            assertNotEquals(fa, c.batch(BATCH).getFeatures(), "step " + step);
        }
        // A fresh draw every step: the same images come out differently the second time.
        assertNotEquals(a.batch(BATCH).getFeatures(), a.batch(BATCH).getFeatures());
    }

    @Test
    void evaluationFeaturesAreNormalisedButNeverAugmented() {
        Normalisation normalisation = Normalisation.perChannel(IMAGES);
        float[][] features = ImageBatches.evaluation(IMAGES, normalisation).features(4, 9).toFloatMatrix();
        for (int k = 0; k < 5; k++) {
            float[] expected = new float[IMAGES.imageSize()];
            normalisation.apply(IMAGES.pixels(), (4 + k) * IMAGES.imageSize(), 32 * 32, expected, 0);
            assertArrayEquals(expected, features[k]);
        }
    }
}
