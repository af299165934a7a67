package io.mixfarm.analysis.tv;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
