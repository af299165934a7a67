package io.mixfarm.analysis.tv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TotalVariationTest {

    @Test
    void identicalSamplesAreAtZero() {
        PredictionMatrix m = Matrices.of(3, new int[][] {{0, 1, 2}, {0, 2, 2}, {1, 1, 2}});
        assertArrayEquals(new double[] {0, 0, 0}, TotalVariation.perImage(m, m));
        assertEquals(0.0, TotalVariation.mean(m, m));
    }

    @Test
    void disjointPredictionsAreAtOne() {
        PredictionMatrix a = Matrices.of(3, new int[][] {{0, 1}, {0, 1}});
        PredictionMatrix b = Matrices.of(3, new int[][] {{1, 2}, {2, 0}, {1, 2}});
        assertArrayEquals(new double[] {1, 1}, TotalVariation.perImage(a, b));
        assertEquals(1.0, TotalVariation.mean(a, b));
    }

    @Test
    void partialOverlapByHand() {
        // p_a = (1/2, 1/2), p_b = (1/4, 3/4): TV = (1/4 + 1/4) / 2.
        assertEquals(0.25, TotalVariation.mean(Matrices.column(2, 0, 0, 1, 1), Matrices.column(2, 0, 1, 1, 1)));
    }

    @Test
    void oneTrialEachIsZeroOrOnePerImage() {
        PredictionMatrix a = Matrices.of(3, new int[][] {{0, 1, 2}});
        PredictionMatrix b = Matrices.of(3, new int[][] {{0, 2, 2}});
        assertArrayEquals(new double[] {0, 1, 0}, TotalVariation.perImage(a, b));
        assertEquals(1.0 / 3, TotalVariation.mean(a, b), 1e-15);
    }

    @Test
    void differentTrialCountsByHand() {
        // p_a = (2/3, 1/3), p_b = (1/2, 1/2): TV = (1/6 + 1/6) / 2; and the reverse order gives the same.
        PredictionMatrix a = Matrices.column(2, 0, 0, 1);
        PredictionMatrix b = Matrices.column(2, 0, 1);
        assertEquals(1.0 / 6, TotalVariation.mean(a, b), 1e-15);
        assertEquals(TotalVariation.mean(a, b), TotalVariation.mean(b, a));
        // Three classes, three trials against five: p_a = (1/3, 1/3, 1/3), p_b = (3/5, 0, 2/5).
        PredictionMatrix c = Matrices.column(3, 0, 1, 2);
        PredictionMatrix d = Matrices.column(3, 0, 0, 0, 2, 2);
        assertEquals((4.0 / 15 + 1.0 / 3 + 1.0 / 15) / 2, TotalVariation.mean(c, d), 1e-15);
    }

    @Test
    void countsCountRepeatedRowsAgain() {
        PredictionMatrix m = Matrices.of(2, new int[][] {{0, 1}, {1, 1}});
        assertArrayEquals(new int[] {2, 1, 0, 3}, TotalVariation.counts(m, new int[] {0, 0, 1}));
        assertArrayEquals(new int[] {1, 1, 0, 2}, TotalVariation.counts(m));
        assertThrows(IndexOutOfBoundsException.class, () -> TotalVariation.counts(m, new int[] {2}));
    }

    @Test
    void meanFromCountsAgreesWithPerImage() {
        PredictionMatrix a = SyntheticPredictions.draw(SyntheticPredictions.dirichlet(40, 4, 2, 1), 7, 2);
        PredictionMatrix b = SyntheticPredictions.draw(SyntheticPredictions.dirichlet(40, 4, 2, 3), 5, 4);
        double average = Arrays.stream(TotalVariation.perImage(a, b)).average().orElseThrow();
        assertEquals(average, TotalVariation.mean(a, b), 1e-14);
    }

    @Test
    void oneTrialEachHasClosedFormExpectation() {
        // Two single draws from p differ with probability 1 - sum_c p_c^2, and then TV_x = 1.
        double[] p = {0.5, 0.3, 0.2};
        int images = 20_000;
        double[][] probs = new double[images][];
        Arrays.fill(probs, p);
        double mean = TotalVariation.mean(SyntheticPredictions.draw(probs, 1, 11), SyntheticPredictions.draw(probs, 1, 12));
        double expected = 1 - (0.25 + 0.09 + 0.04);
        double sd = Math.sqrt(expected * (1 - expected) / images);
        assertEquals(expected, mean, 4 * sd);
    }

    @Test
    void binaryPlugInBiasHasClosedFormExpectation() {
        // Both schedules from one Bernoulli(p): TV_x = |X - Y| / n with X, Y ~ Bin(n, p); the population TV is 0.
        int n = 20;
        double p = 0.3;
        double[] pmf = binomialPmf(n, p);
        double first = 0;
        double second = 0;
        for (int x = 0; x <= n; x++) {
            for (int y = 0; y <= n; y++) {
                double tv = Math.abs(x - y) / (double) n;
                first += pmf[x] * pmf[y] * tv;
                second += pmf[x] * pmf[y] * tv * tv;
            }
        }
        int images = 5_000;
        double[][] probs = new double[images][];
        Arrays.fill(probs, new double[] {1 - p, p});
        double mean = TotalVariation.mean(SyntheticPredictions.draw(probs, n, 21), SyntheticPredictions.draw(probs, n, 22));
        double sd = Math.sqrt((second - first * first) / images);
        assertEquals(first, mean, 4 * sd);
        assertTrue(first > 0.1, "the plug-in is biased well above the true 0: " + first);
    }

    @Test
    void ofDistributionsIsHalfTheL1DistanceAveraged() {
        double[][] p = {{1, 0}, {0.5, 0.5}};
        double[][] q = {{0, 1}, {0.25, 0.75}};
        assertEquals((1 + 0.25) / 2, TotalVariation.ofDistributions(p, q), 1e-15);
    }

    @Test
    void rejectsMismatchedMatrices() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> TotalVariation.mean(Matrices.column(2, 0), Matrices.column(3, 0)));
        assertTrue(e.getMessage().contains("same images and classes"), e.getMessage());
    }

    static double[] binomialPmf(int n, double p) {
        double[] pmf = new double[n + 1];
        for (int k = 0; k <= n; k++) {
            double choose = 1;
            for (int j = 1; j <= k; j++) {
                choose = choose * (n - k + j) / j;
            }
            pmf[k] = choose * Math.pow(p, k) * Math.pow(1 - p, n - k);
        }
        return pmf;
    }
}
