package io.mixfarm.analysis.tv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The fast evaluator against the reference {@link TotalVariation}, on any weighting. */
class PooledPredictionsTest {

    @Test
    void agreesExactlyWithTheReferenceOnRandomMultisets() {
        for (double sharpness : new double[] {0.5, 5, 500}) {
            PredictionMatrix a = SyntheticPredictions.draw(SyntheticPredictions.dirichlet(70, 5, sharpness, 1), 13, 2);
            PredictionMatrix b = SyntheticPredictions.draw(SyntheticPredictions.dirichlet(70, 5, sharpness, 3), 9, 4);
            PooledPredictions pool = PooledPredictions.of(a, b);
            SplittableRandom rng = new SplittableRandom(5);
            for (int trial = 0; trial < 50; trial++) {
                int[] rowsA = rng.ints(1 + rng.nextInt(20), 0, a.trials()).toArray();
                int[] rowsB = rng.ints(1 + rng.nextInt(20), 0, b.trials()).toArray();
                long[] weights = new long[pool.trials()];
                for (int r : rowsA) {
                    weights[r] += PooledPredictions.A;
                }
                for (int r : rowsB) {
                    weights[a.trials() + r] += PooledPredictions.B;
                }
                double expected = TotalVariation.mean(TotalVariation.counts(a, rowsA), rowsA.length,
                        TotalVariation.counts(b, rowsB), rowsB.length, a.classes());
                double actual = pool.numerator(weights) / pool.denominator(rowsA.length, rowsB.length);
                assertEquals(expected, actual, "sharpness " + sharpness + ", draw " + trial);
            }
        }
    }

    /**
     * The trial-by-trial walk against the image-by-image one and the reference, from weightings of a single trial
     * per group (the sparse walk's case) to every trial weighted (the dense walk's), with repeats and trials of
     * both schedules in one group.
     */
    @Test
    void bothWalksAgreeExactlyWithTheReferenceFromFewTrialsToAll() {
        for (double sharpness : new double[] {0.5, 5, 500}) {
            PredictionMatrix a = SyntheticPredictions.draw(
                    SyntheticPredictions.dirichlet(90, 7, sharpness, 11), 40, 12);
            PredictionMatrix b = SyntheticPredictions.draw(
                    SyntheticPredictions.dirichlet(90, 7, sharpness, 13), 31, 14);
            PooledPredictions pool = PooledPredictions.of(a, b);
            long[] sums = new long[pool.segments()];
            // Stale content in the caller's buffer must not leak into the next weighting.
            java.util.Arrays.fill(sums, 12345L);
            SplittableRandom rng = new SplittableRandom(7);
            for (int draw = 0; draw < 60; draw++) {
                int active = 1 + rng.nextInt(pool.trials());
                long[] weights = new long[pool.trials()];
                int[] countsA = new int[a.images() * a.classes()];
                int[] countsB = new int[a.images() * a.classes()];
                long wA = 0;
                long wB = 0;
                for (int k = 0; k < active || wA == 0 || wB == 0; k++) {
                    int t = rng.nextInt(pool.trials());
                    boolean toA = k == 0 || (k > 1 && rng.nextBoolean());
                    weights[t] += toA ? PooledPredictions.A : PooledPredictions.B;
                    int[] counts = toA ? countsA : countsB;
                    PredictionMatrix m = t < a.trials() ? a : b;
                    int row = t < a.trials() ? t : t - a.trials();
                    for (int i = 0; i < a.images(); i++) {
                        counts[i * a.classes() + m.classAt(row, i)]++;
                    }
                    if (toA) {
                        wA++;
                    } else {
                        wB++;
                    }
                }
                double expected = TotalVariation.mean(countsA, (int) wA, countsB, (int) wB, a.classes());
                long dense = pool.numerator(weights, sums, PooledPredictions.Walk.DENSE);
                long sparse = pool.numerator(weights, sums, PooledPredictions.Walk.SPARSE);
                assertEquals(dense, sparse, "sharpness " + sharpness + ", draw " + draw);
                assertEquals(dense, pool.numerator(weights, sums), "the walk chosen");
                assertEquals(expected, dense / pool.denominator(wA, wB), "sharpness " + sharpness + ", draw " + draw);
            }
        }
    }

    /**
     * Enough sparse evaluations for C2 to compile the walk: with AVX-512, HotSpot 17's C2 crashed the JVM
     * compiling an earlier form of it (a vectorised loop of Math.abs(long) sums), which killed this test's fork.
     */
    @Test
    void theSparseWalkSurvivesTheJitCompiler() {
        PredictionMatrix a = SyntheticPredictions.draw(SyntheticPredictions.dirichlet(5000, 10, 20, 1), 300, 2);
        PredictionMatrix b = SyntheticPredictions.draw(SyntheticPredictions.dirichlet(5000, 10, 20, 3), 300, 4);
        PooledPredictions pool = PooledPredictions.of(a, b);
        long[] sums = new long[pool.segments()];
        SplittableRandom rng = new SplittableRandom(1);
        for (int r = 0; r < 3000; r++) {
            long[] weights = new long[pool.trials()];
            for (int k = 0, n = 1 << rng.nextInt(6); k < n; k++) {
                weights[rng.nextInt(300)] += PooledPredictions.A;
                weights[300 + rng.nextInt(300)] += PooledPredictions.B;
            }
            long sparse = pool.numerator(weights, sums, PooledPredictions.Walk.SPARSE);
            if (r % 500 == 0) {
                assertEquals(pool.numerator(weights, sums, PooledPredictions.Walk.DENSE), sparse, "draw " + r);
            }
        }
    }

    @Test
    void groupsMayMixTrialsOfBothSchedules() {
        // Pooled: a = {0, 0}, b = {1, 1}; group A = {a0, b0}, group B = {a1, b1}: both (1/2, 1/2), TV 0.
        PooledPredictions pool = PooledPredictions.of(Matrices.column(2, 0, 0), Matrices.column(2, 1, 1));
        long[] weights = {PooledPredictions.A, PooledPredictions.B, PooledPredictions.A, PooledPredictions.B};
        assertEquals(0, pool.numerator(weights));
        weights = new long[] {PooledPredictions.A, PooledPredictions.A, PooledPredictions.B, PooledPredictions.B};
        assertEquals(1.0, pool.numerator(weights) / pool.denominator(2, 2));
        assertEquals(2, pool.minorityEntries());
    }

    @Test
    void signScoresAndImageCountsAgreeWithDirectCounting() {
        for (double sharpness : new double[] {0.5, 500}) {
            PredictionMatrix a = SyntheticPredictions.draw(SyntheticPredictions.dirichlet(30, 4, sharpness, 6), 7, 7);
            PredictionMatrix b = SyntheticPredictions.draw(SyntheticPredictions.dirichlet(30, 4, sharpness, 8), 5, 9);
            PooledPredictions pool = PooledPredictions.of(a, b);
            // Groups: a's rows 0..3 once and row 4 twice; b's rows 1..4 once.
            int[] rowsA = {0, 1, 2, 3, 4, 4};
            int[] rowsB = {1, 2, 3, 4};
            long[] weights = new long[pool.trials()];
            for (int r : rowsA) {
                weights[r] += PooledPredictions.A;
            }
            for (int r : rowsB) {
                weights[a.trials() + r] += PooledPredictions.B;
            }
            int[] countsA = TotalVariation.counts(a, rowsA);
            int[] countsB = TotalVariation.counts(b, rowsB);
            int[] scores = pool.signScores(weights);
            for (int t = 0; t < pool.trials(); t++) {
                PredictionMatrix m = t < a.trials() ? a : b;
                int row = t < a.trials() ? t : t - a.trials();
                int expected = 0;
                for (int i = 0; i < a.images(); i++) {
                    int c = m.classAt(row, i);
                    expected += Long.signum((long) countsA[i * 4 + c] * rowsB.length
                            - (long) countsB[i * 4 + c] * rowsA.length);
                }
                assertEquals(expected, scores[t], "sharpness " + sharpness + ", pooled trial " + t);
            }
            long[][] seen = new long[a.images()][];
            pool.forEachImage(weights, (image, counts, present, wA, wB) -> {
                assertEquals(rowsA.length, wA);
                assertEquals(rowsB.length, wB);
                seen[image] = Arrays.copyOf(counts, present);
            });
            for (int i = 0; i < a.images(); i++) {
                long[] expected = new long[4];
                for (int c = 0; c < 4; c++) {
                    expected[c] = countsA[i * 4 + c] + ((long) countsB[i * 4 + c] << 32);
                }
                long[] actual = seen[i].clone();
                Arrays.sort(actual);
                long[] nonZero = Arrays.stream(expected).filter(v -> v != 0).sorted().toArray();
                // Classes no pooled trial predicts are left out; one predicted only outside the groups is a 0.
                long[] actualNonZero = Arrays.stream(actual).filter(v -> v != 0).toArray();
                assertArrayEquals(nonZero, actualNonZero, "image " + i);
            }
        }
    }
}
