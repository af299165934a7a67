package io.mixfarm.analysis.tv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class TvEstimatorTest {

    private static final double[][] P = SyntheticPredictions.dirichlet(50, 3, 2, 100);
    private static final double[][] Q = SyntheticPredictions.dirichlet(50, 3, 2, 200);

    @Test
    void estimateIsTheReferencePlugInWithDifferentTrialCounts() {
        PredictionMatrix a = SyntheticPredictions.draw(P, 17, 1);
        PredictionMatrix b = SyntheticPredictions.draw(Q, 11, 2);
        TvSummaryRow row = new TvEstimator(1, 10, 20).estimate(120, "Const", "LR-decay", a, b, 0.02);
        assertEquals(TotalVariation.mean(a, b), row.tv());
        assertEquals(120, row.epoch());
        assertEquals("Const", row.a());
        assertEquals("LR-decay", row.b());
        assertEquals(11, row.n());
        assertEquals(17, row.trialsA());
        assertEquals(11, row.trialsB());
        assertEquals(row.tv(), row.tvRandomMean());
        assertEquals(0.0, row.tvRandomSd());
        assertEquals(0.02, row.baseline());
        assertEquals(row.tv() - row.nullMean(), row.correctedTv());
        assertArrayEquals(TotalVariation.perImage(a, b), TvEstimator.perImage(a, b));
    }

    @Test
    void identicalSamplesAreAtZeroWithPValueOne() {
        PredictionMatrix a = SyntheticPredictions.draw(P, 10, 1);
        TvSummaryRow row = new TvEstimator(1, 0, 30).estimate(1, "a", "b", a, a, 0);
        assertEquals(0.0, row.tv());
        assertEquals(1.0, row.pValue());
        assertEquals(0.0, row.ciLow(), "identical samples: every sign is a tie, so both ends are the plug-in, 0");
        assertEquals(0.0, row.ciHigh());
    }

    @Test
    void permutationNullHasItsClosedForm() {
        // a = {0, 0}, b = {1, 1}: of the 6 ways to split the 4 pooled trials 2 + 2, 2 put equal classes together
        // (TV 1) and 4 do not (TV 0). So the null is Bernoulli(1/3) and the exact p-value of tv = 1 is 1/3.
        int permutations = 4_000;
        TvSummaryRow row = new TvEstimator(3, 0, permutations)
                .estimate(1, "a", "b", Matrices.column(2, 0, 0), Matrices.column(2, 1, 1), 0);
        double tolerance = 4 * Math.sqrt(2.0 / 9 / permutations);
        assertEquals(1.0, row.tv());
        assertEquals(1.0 / 3, row.nullMean(), tolerance);
        assertEquals(Math.sqrt(2.0 / 9), row.nullSd(), tolerance);
        assertEquals(1.0 / 3, row.pValue(), tolerance);
        assertEquals(2.0 / 3, row.correctedTv(), tolerance);
        assertTrue(Double.isNaN(row.ciLow()) && Double.isNaN(row.ciHigh()), "2 trials per schedule: no interval");
    }

    @Test
    void randomSubsetsAndDisjointNullAtNHaveTheirClosedForms() {
        // n = 1, a = {0, 0, 1, 1}, b = {0, 0, 0, 0}: a random trial of a disagrees with one of b half the time;
        // two distinct pooled trials of the eight differ with probability 2 * 2 * 6 / (8 * 7) = 3/7.
        int draws = 4_000;
        TvSummaryRow row = new TvEstimator(5, draws, draws)
                .estimateAtN(1, "a", "b", Matrices.column(2, 0, 0, 1, 1), Matrices.column(2, 0, 0, 0, 0), 1, 0);
        assertEquals(0.0, row.tv(), "nested: first trial of each, both class 0");
        assertEquals(1, row.n());
        assertEquals(1, row.trialsA());
        assertEquals(1, row.trialsB());
        assertEquals(0.5, row.tvRandomMean(), 4 * 0.5 / Math.sqrt(draws));
        assertEquals(0.5, row.tvRandomSd(), 0.02);
        assertEquals(3.0 / 7, row.nullMean(), 4 * Math.sqrt(3.0 / 7 * 4 / 7 / draws));
        assertEquals(1.0, row.pValue(), "every null value is >= 0");
    }

    @Test
    void nestedAtNIsThePlugInOfTheFirstNTrials() {
        PredictionMatrix a = SyntheticPredictions.draw(P, 20, 1);
        PredictionMatrix b = SyntheticPredictions.draw(Q, 25, 2);
        TvSummaryRow row = new TvEstimator(1, 20, 20).estimateAtN(1, "a", "b", a, b, 7, 0);
        assertEquals(TotalVariation.mean(Matrices.firstRows(a, 7), Matrices.firstRows(b, 7)), row.tv());
        assertTrue(row.tvRandomSd() > 0, "subsets of 7 of 20 differ");
        assertTrue(row.ciLow() <= row.ciHigh());
    }

    @Test
    void atAllTrialsNestedAndRandomSubsetsEqualTheFullEstimate() {
        PredictionMatrix a = SyntheticPredictions.draw(P, 30, 1);
        PredictionMatrix b = SyntheticPredictions.draw(Q, 30, 2);
        TvEstimator estimator = new TvEstimator(9, 25, 40);
        TvSummaryRow full = estimator.estimate(200, "a", "b", a, b, 0.1);
        TvSummaryRow atN = estimator.estimateAtN(200, "a", "b", a, b, 30, 0.1);
        assertEquals(full, atN);
        assertEquals(full.tv(), atN.tvRandomMean());
        assertEquals(0.0, atN.tvRandomSd());
    }

    @Test
    void permutationNullIsCalibratedUnderOneDistribution() {
        // 200 pairs drawn from one distribution: p-values of a valid test are (at least) uniform.
        TvEstimator estimator = new TvEstimator(7, 0, 99);
        int pairs = 200;
        int fullBelow05 = 0;
        int fullBelowHalf = 0;
        int atNBelow05 = 0;
        int atNBelowHalf = 0;
        double correctedSum = 0;
        for (int k = 0; k < pairs; k++) {
            PredictionMatrix a = SyntheticPredictions.draw(P, 20, 1_000 + 2 * k);
            PredictionMatrix b = SyntheticPredictions.draw(P, 20, 1_001 + 2 * k);
            TvSummaryRow full = estimator.estimate(k, "a", "b", a, b, 0);
            TvSummaryRow atN = estimator.estimateAtN(k, "a", "b", a, b, 10, 0);
            fullBelow05 += full.pValue() <= 0.05 ? 1 : 0;
            fullBelowHalf += full.pValue() <= 0.5 ? 1 : 0;
            atNBelow05 += atN.pValue() <= 0.05 ? 1 : 0;
            atNBelowHalf += atN.pValue() <= 0.5 ? 1 : 0;
            correctedSum += full.correctedTv();
        }
        assertBetween(0.01, 0.10, fullBelow05 / (double) pairs, "full: fraction of p <= 0.05");
        assertBetween(0.40, 0.60, fullBelowHalf / (double) pairs, "full: fraction of p <= 0.5");
        assertBetween(0.01, 0.10, atNBelow05 / (double) pairs, "n = 10: fraction of p <= 0.05");
        assertBetween(0.40, 0.60, atNBelowHalf / (double) pairs, "n = 10: fraction of p <= 0.5");
        assertEquals(0.0, correctedSum / pairs, 0.002, "mean bias-corrected TV of one distribution");
    }

    @Test
    void biasCorrectedTvOfOneDistributionIsNearZeroWhileThePlugInIsNot() {
        PredictionMatrix a = SyntheticPredictions.draw(P, 20, 31);
        PredictionMatrix b = SyntheticPredictions.draw(P, 20, 32);
        TvSummaryRow row = new TvEstimator(1, 0, 199).estimate(1, "a", "b", a, b, 0);
        assertTrue(row.tv() > 0.05, "plug-in at n = 20 is biased upwards: " + row.tv());
        assertTrue(Math.abs(row.correctedTv()) < 3 * row.nullSd(),
                "corrected " + row.correctedTv() + " against null sd " + row.nullSd());
        assertTrue(row.pValue() > 0.05, "p = " + row.pValue());
    }

    @Test
    void clearlyDifferentDistributionsAreSignificant() {
        PredictionMatrix a = SyntheticPredictions.draw(P, 20, 41);
        PredictionMatrix b = SyntheticPredictions.draw(Q, 20, 42);
        TvEstimator estimator = new TvEstimator(1, 0, 99);
        TvSummaryRow row = estimator.estimate(1, "a", "b", a, b, 0);
        assertTrue(row.pValue() < 0.02, "p = " + row.pValue());
        assertEquals(0.01, row.pValue(), 1e-15);
        assertTrue(row.correctedTv() > 5 * row.nullSd(), row.toString());
        assertTrue(estimator.estimateAtN(1, "a", "b", a, b, 10, 0).pValue() < 0.02);
    }

    @Test
    void intervalCoversAKnownTvWherePredictionsAreSharpAndWhereTheyAreNot() {
        // Sharp: Dirichlet(1/20) per image, b 10% of the way to another draw (true TV about 0.09), 50 trials, 500
        // images: the plug-in's bias (about 0.04) is many standard errors, and the basic bootstrap interval the job
        // used before covered the truth in none of 20 draws. Clear: per image (u, 1-u, 0) against (1-u, u, 0),
        // |2u - 1| >= 0.3, 200 trials: every class differs by many standard errors, so the plug-in is nearly
        // unbiased and the interval must not be so wide that it says nothing.
        int images = 40;
        double[][] p = new double[images][];
        double[][] q = new double[images][];
        for (int i = 0; i < images; i++) {
            double u = 0.65 + 0.25 * i / (images - 1);
            p[i] = new double[] {u, 1 - u, 0};
            q[i] = new double[] {1 - u, u, 0};
        }
        double[][] sharp = SyntheticPredictions.dirichlet(500, 10, 20, 7);
        double[][] nearby = SyntheticPredictions.mixture(sharp, SyntheticPredictions.dirichlet(500, 10, 20, 8), 0.1);
        TvEstimator estimator = new TvEstimator(13, 0, 0);
        for (double[][][] pair : new double[][][][] {{sharp, nearby}, {p, q}}) {
            double truth = TotalVariation.ofDistributions(pair[0], pair[1]);
            int trials = pair[0] == sharp ? 50 : 200;
            int repetitions = 20;
            int covered = 0;
            double width = 0;
            for (int k = 0; k < repetitions; k++) {
                TvSummaryRow row = estimator.estimate(k, "a", "b", SyntheticPredictions.draw(pair[0], trials, 500 + 2 * k),
                        SyntheticPredictions.draw(pair[1], trials, 501 + 2 * k), 0);
                covered += row.ciLow() <= truth && truth <= row.ciHigh() ? 1 : 0;
                width += (row.ciHigh() - row.ciLow()) / repetitions;
            }
            assertTrue(covered >= 18, covered + " of " + repetitions + " intervals cover " + truth);
            assertTrue(width < truth, "mean width " + width + " at true TV " + truth);
        }
    }

    @Test
    void sameSeedSameRowsWhateverTheThreadCount() throws Exception {
        PredictionMatrix a = SyntheticPredictions.draw(P, 40, 51);
        PredictionMatrix b = SyntheticPredictions.draw(Q, 35, 52);
        Supplier<List<TvSummaryRow>> rows = () -> {
            TvEstimator estimator = new TvEstimator(77, 30, 60);
            List<TvSummaryRow> curve = estimator.againstN(3, "a", "b", a, b, new int[] {5, 35}, 0);
            return List.of(estimator.estimate(3, "a", "b", a, b, 0), curve.get(0), curve.get(1));
        };
        List<TvSummaryRow> common = rows.get();
        assertEquals(common, rows.get());
        for (int threads : new int[] {1, 3}) {
            ForkJoinPool pool = new ForkJoinPool(threads);
            try {
                assertEquals(common, pool.submit(rows::get).get(), threads + " threads");
            } finally {
                pool.shutdown();
            }
        }
        TvSummaryRow otherSeed = new TvEstimator(78, 30, 60).estimate(3, "a", "b", a, b, 0);
        assertEquals(common.get(0).tv(), otherSeed.tv());
        assertNotEquals(common.get(0).nullMean(), otherSeed.nullMean());
    }

    @Test
    void againstNGivesOneEstimateAtNPerN() {
        PredictionMatrix a = SyntheticPredictions.draw(P, 20, 61);
        PredictionMatrix b = SyntheticPredictions.draw(Q, 24, 62);
        TvEstimator estimator = new TvEstimator(5, 10, 10);
        int[] ns = TvEstimator.defaultNs(20);
        List<TvSummaryRow> rows = estimator.againstN(2, "a", "b", a, b, ns, 0.5);
        assertEquals(ns.length, rows.size());
        for (int k = 0; k < ns.length; k++) {
            assertEquals(ns[k], rows.get(k).n());
            assertEquals(estimator.estimateAtN(2, "a", "b", a, b, ns[k], 0.5), rows.get(k));
        }
    }

    @Test
    void defaultNsArePowersOfTwoThenAll() {
        assertArrayEquals(new int[] {1}, TvEstimator.defaultNs(1));
        assertArrayEquals(new int[] {1, 2}, TvEstimator.defaultNs(2));
        assertArrayEquals(new int[] {1, 2, 4, 5}, TvEstimator.defaultNs(5));
        assertArrayEquals(new int[] {1, 2, 4, 8, 16, 32, 64, 128, 256, 500}, TvEstimator.defaultNs(500));
        assertArrayEquals(new int[] {1, 2, 4, 8, 16, 32, 64, 128, 256, 512}, TvEstimator.defaultNs(512));
        assertEquals(32, TvEstimator.defaultNs(Integer.MAX_VALUE).length);
        assertThrows(IllegalArgumentException.class, () -> TvEstimator.defaultNs(0));
    }

    @Test
    void rejectsBadArguments() {
        PredictionMatrix a = Matrices.column(2, 0, 1, 1);
        PredictionMatrix b = Matrices.column(2, 0, 1);
        TvEstimator estimator = new TvEstimator(1, 1, 1);
        assertMessage("n must be in 1..2", () -> estimator.estimateAtN(1, "a", "b", a, b, 3, 0));
        assertMessage("n must be in 1..2", () -> estimator.estimateAtN(1, "a", "b", a, b, 0, 0));
        assertMessage("n must be in 1..2", () -> estimator.againstN(1, "a", "b", a, b, new int[] {1, 4}, 0));
        assertMessage("schedule names", () -> estimator.estimate(1, null, "b", a, b, 0));
        assertMessage("same images and classes",
                () -> estimator.estimate(1, "a", "b", a, Matrices.of(2, new int[][] {{0, 1}}), 0));
        assertMessage("must be >= 0", () -> new TvEstimator(1, -1, 0));
    }

    private static void assertBetween(double low, double high, double actual, String what) {
        assertTrue(low <= actual && actual <= high, what + " = " + actual + ", expected in [" + low + ", " + high + "]");
    }

    private static void assertMessage(String expected, Runnable action) {
        var e = assertThrows(IllegalArgumentException.class, action::run);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
