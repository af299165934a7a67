package io.mixfarm.analysis.tv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TvBracketTest {

    @Test
    void crossFittedLowerEndHasItsHandComputedValue() {
        // One image, two classes, 4 trials a side, so 2 folds: rows {0, 2} and {1, 3}.
        // Fold 0's signs come from rows 1, 3: a = {0, 1}, b = {1, 1}, so class 0 is +1 and class 1 is -1. Rows 0, 2
        // score a = {+1, +1}, b = {-1, +1}: means 1 and 0. Fold 1's signs from rows 0, 2: a = {0, 0}, b = {1, 0}:
        // again +1, -1. Rows 1, 3 score a = {+1, -1}, b = {-1, -1}: means 0 and -1. L = (1 + 1) / 2 / (2 x 1 image)
        // = 1/2. Its standard error is the mean of the folds': fold 0 has variances a 0, b 2 (divisor 1), so
        // sqrt(0 / 2 + 2 / 2) = 1; fold 1 a 2, b 0, also 1; (1 + 1) / 2 folds / (2 x 1 image) = 1/2.
        // Upper: p_a = (3/4, 1/4), p_b = (1/4, 3/4), tv = 1/2; scores a = {1, 1, 1, -1}, b = {-1, -1, 1, -1}, each
        // with variance 1, so se = sqrt(1/4 + 1/4) / 2 = sqrt(1/8).
        PooledPredictions pool = PooledPredictions.of(Matrices.column(2, 0, 0, 0, 1), Matrices.column(2, 1, 1, 0, 1));
        TvBracket.Bracket b = TvBracket.of(pool, 4, 4);
        assertEquals(0.5, b.lower(), 1e-15);
        assertEquals(0.5, b.lowerSe(), 1e-15);
        assertEquals(0.5, b.upper(), 1e-15);
        assertEquals(Math.sqrt(1.0 / 8), b.upperSe(), 1e-15);
        assertEquals(0.0, b.low(), "0.5 - 1.96 x 0.5 < 0 is clamped");
        assertEquals(1.0, b.high(), "0.5 + 1.96 x 0.354 > 1 is clamped");
    }

    @Test
    void upperEstimateIsThePlugInWithUnequalTrialCounts() {
        double[][] p = SyntheticPredictions.dirichlet(300, 10, 5, 1);
        double[][] q = SyntheticPredictions.mixture(p, SyntheticPredictions.dirichlet(300, 10, 5, 2), 0.3);
        for (int trials : new int[] {4, 9, 40}) {
            PredictionMatrix a = SyntheticPredictions.draw(p, trials, 3);
            PredictionMatrix b = SyntheticPredictions.draw(q, trials + 3, 4);
            TvBracket.Bracket bracket = TvBracket.of(PooledPredictions.of(a, b), trials, trials + 3);
            assertEquals(TotalVariation.mean(a, b), bracket.upper(), 1e-12, trials + " trials");
            assertTrue(bracket.lowerSe() > 0 && bracket.upperSe() > 0, bracket.toString());
        }
    }

    @Test
    void disjointPredictionsGiveTheExactTv() {
        // Every trial of a predicts 0 and every trial of b predicts 1: the TV is 1 with no sampling error.
        PredictionMatrix a = Matrices.of(3, new int[][] {{0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}});
        PredictionMatrix b = Matrices.of(3, new int[][] {{1, 1}, {1, 1}, {1, 1}, {1, 1}, {1, 1}, {1, 1}});
        TvBracket.Bracket bracket = TvBracket.of(PooledPredictions.of(a, b), 6, 6);
        assertEquals(new TvBracket.Bracket(1, 0, 1, 0), bracket);
        assertEquals(1.0, bracket.low());
        assertEquals(1.0, bracket.high());
    }

    @Test
    void foldsKeepTwoTrialsAFoldAndNeedFourTrials() {
        assertEquals(0, TvBracket.folds(3));
        assertEquals(2, TvBracket.folds(4));
        assertEquals(2, TvBracket.folds(5));
        assertEquals(4, TvBracket.folds(9));
        assertEquals(TvBracket.FOLDS, TvBracket.folds(10));
        assertEquals(TvBracket.FOLDS, TvBracket.folds(500));
        PooledPredictions pool = PooledPredictions.of(Matrices.column(2, 0, 1, 1), Matrices.column(2, 0, 0, 1));
        assertEquals(TvBracket.Bracket.NONE, TvBracket.of(pool, 3, 3));
        assertTrue(Double.isNaN(TvBracket.Bracket.NONE.low()) && Double.isNaN(TvBracket.Bracket.NONE.high()));
    }

    @Test
    void lowerEndIsUnbiasedWhereSchedulesAgreeAndBelowTheTruthWhereTheyDiffer() {
        // The property the interval rests on, checked by simulation: E[lower] <= theta <= E[upper]; where the two
        // schedules share one distribution (theta = 0) the lower estimate averages 0 within its standard error.
        double[][] p = SyntheticPredictions.dirichlet(200, 10, 10, 5);
        double[][] q = SyntheticPredictions.mixture(p, SyntheticPredictions.dirichlet(200, 10, 10, 6), 0.2);
        for (double[][] other : new double[][][] {p, q}) {
            double truth = TotalVariation.ofDistributions(p, other);
            int draws = 60;
            double lower = 0;
            double upper = 0;
            double lowerSe = 0;
            for (int k = 0; k < draws; k++) {
                PooledPredictions pool = PooledPredictions.of(SyntheticPredictions.draw(p, 20, 10 + 2 * k),
                        SyntheticPredictions.draw(other, 20, 11 + 2 * k));
                TvBracket.Bracket b = TvBracket.of(pool, 20, 20);
                lower += b.lower() / draws;
                upper += b.upper() / draws;
                lowerSe += b.lowerSe() / draws;
            }
            double slack = 4 * lowerSe / Math.sqrt(draws);
            assertTrue(lower <= truth + slack && truth <= upper, lower + " <= " + truth + " <= " + upper);
            if (other == p) {
                assertEquals(0.0, lower, slack, "theta = 0");
            }
        }
    }

    @Test
    void lowerEndRarelyExceedsZeroWhereSchedulesShareTheSamplesDistributions() {
        // True TV 0 with the embedded sample's per-image distributions (most images sure of one class, a few
        // classes predicted by one or two trials in fifty): the folds' estimates are then positively correlated,
        // and when they were taken as independent the lower end exceeded 0 in 8% of draws, not <= 2.5%.
        double[][] pooled = TvCoverageBenchmark.SampleDistributions.load().pooled();
        int draws = 400;
        int above = 0;
        for (int k = 0; k < draws; k++) {
            PooledPredictions pool = PooledPredictions.of(SyntheticPredictions.draw(pooled, 50, 100 + 2 * k),
                    SyntheticPredictions.draw(pooled, 50, 101 + 2 * k));
            above += TvBracket.of(pool, 50, 50).low() > 0 ? 1 : 0;
        }
        assertTrue(above <= 12, above + " of " + draws + " lower ends above the true TV 0");
    }
}
