package io.mixfarm.analysis.tv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SyntheticPredictionsTest {

    @Test
    void classFrequenciesMatchTheDistributions() {
        double[][] probs = {{0.2, 0.5, 0.3}, {0, 1, 0}, {0.9, 0, 0.1}};
        int trials = 20_000;
        PredictionMatrix m = SyntheticPredictions.draw(probs, trials, 3);
        int[] counts = TotalVariation.counts(m);
        for (int i = 0; i < probs.length; i++) {
            for (int c = 0; c < 3; c++) {
                double p = probs[i][c];
                double frequency = counts[i * 3 + c] / (double) trials;
                if (p == 0) {
                    assertEquals(0.0, frequency, "image " + i + " never predicts impossible class " + c);
                } else {
                    assertEquals(p, frequency, 4 * Math.sqrt(p * (1 - p) / trials), "image " + i + ", class " + c);
                }
            }
        }
    }

    @Test
    void rowsDependOnTheSeedAndNotOnTheTrialCount() {
        double[][] probs = SyntheticPredictions.dirichlet(30, 4, 1, 1);
        PredictionMatrix ten = SyntheticPredictions.draw(probs, 10, 5);
        assertEquals(ten, SyntheticPredictions.draw(probs, 10, 5));
        assertEquals(ten, Matrices.firstRows(SyntheticPredictions.draw(probs, 25, 5), 10));
        assertNotEquals(ten, SyntheticPredictions.draw(probs, 10, 6));
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, ten.trialIds());
    }

    @Test
    void dirichletHasItsClosedFormMoments() {
        // Symmetric Dirichlet(alpha) over K classes: E p_c = 1/K, Var p_c = (K - 1) / (K^2 (K alpha + 1)).
        int images = 20_000;
        int classes = 5;
        double sharpness = 5;
        double alpha = 1 / sharpness;
        double[][] probs = SyntheticPredictions.dirichlet(images, classes, sharpness, 8);
        double sum = 0;
        double squares = 0;
        for (double[] row : probs) {
            assertEquals(1.0, Arrays.stream(row).sum(), 1e-12);
            assertTrue(Arrays.stream(row).allMatch(p -> p >= 0));
            sum += row[0];
            squares += row[0] * row[0];
        }
        double mean = sum / images;
        double variance = squares / images - mean * mean;
        double expectedVariance = (classes - 1.0) / (classes * classes * (classes * alpha + 1));
        assertEquals(1.0 / classes, mean, 4 * Math.sqrt(expectedVariance / images));
        assertEquals(expectedVariance, variance, 0.1 * expectedVariance);
    }

    @Test
    void sharperDistributionsPutMoreMassOnOneClass() {
        double soft = meanMax(SyntheticPredictions.dirichlet(2_000, 10, 1, 9));
        double sharp = meanMax(SyntheticPredictions.dirichlet(2_000, 10, 100, 9));
        assertTrue(soft < 0.5 && sharp > 0.9, "mean top-class mass " + soft + " at sharpness 1, " + sharp + " at 100");
    }

    @Test
    void mixtureScalesTheTv() {
        double[][] p = SyntheticPredictions.dirichlet(50, 4, 2, 1);
        double[][] q = SyntheticPredictions.dirichlet(50, 4, 2, 2);
        double[][] mixed = SyntheticPredictions.mixture(p, q, 0.3);
        assertEquals(0.3 * TotalVariation.ofDistributions(p, q), TotalVariation.ofDistributions(p, mixed), 1e-12);
    }

    @Test
    void rejectsInvalidDistributions() {
        assertThrows(IllegalArgumentException.class, () -> SyntheticPredictions.draw(new double[][] {{0.5, 0.4}}, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> SyntheticPredictions.draw(new double[][] {{1.5, -0.5}}, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> SyntheticPredictions.draw(new double[][] {{1}}, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> SyntheticPredictions.dirichlet(1, 2, 0, 1));
        assertThrows(IllegalArgumentException.class,
                () -> SyntheticPredictions.mixture(new double[][] {{1}}, new double[][] {{1}}, 2));
    }

    private static double meanMax(double[][] probs) {
        return Arrays.stream(probs).mapToDouble(row -> Arrays.stream(row).max().orElseThrow()).average().orElseThrow();
    }
}
