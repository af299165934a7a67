package io.mixfarm.analysis.tv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The paired design: the within-pair null is calibrated on paired data where the whole-trial null is not (a fast
 * version of docs/intervals.md, "Paired design"), and the pairing rule.
 */
class PairedDesignTest {

    private static final int REPLICATIONS = 200;
    private static final int PAIRS = 200;
    private static final int PERMUTATIONS = 99;
    /** Within-pair dependence: most images of a pair drawn from one variate, as shortly after a fork. */
    private static final double SHARED = 0.7;
    private static final double[][] P = SyntheticPredictions.dirichlet(40, 4, 2, 11);

    /** The p-values of {@code REPLICATIONS} paired samples under the null (both branches from {@code P}). */
    private static double[] pValues(Design design) {
        TvEstimator estimator = new TvEstimator(5, 0, PERMUTATIONS);
        double[] p = new double[REPLICATIONS];
        for (int r = 0; r < REPLICATIONS; r++) {
            PredictionMatrix[] pair = SyntheticPredictions.drawPairs(P, P, PAIRS, SHARED, 1_000 + r);
            p[r] = estimator.estimate(r, "P", "R", pair[0], pair[1], 0, design).pValue();
        }
        return p;
    }

    /** Share of p-values at or below {@code k / (1 + PERMUTATIONS)}, whose probability under the null is that. */
    private static double share(double[] p, int k) {
        double level = k / (1.0 + PERMUTATIONS);
        return Arrays.stream(p).filter(v -> v <= level + 1e-12).count() / (double) p.length;
    }

    /** The largest gap between the p-values' distribution function and the uniform's, at the attainable values. */
    static double ks(double[] p) {
        double d = 0;
        for (int k = 1; k <= PERMUTATIONS + 1; k++) {
            d = Math.max(d, Math.abs(share(p, k) - k / (1.0 + PERMUTATIONS)));
        }
        return d;
    }

    /** Three binomial standard deviations of a share at {@code level} over the replications. */
    private static double tolerance(double level) {
        return 3 * Math.sqrt(level * (1 - level) / REPLICATIONS);
    }

    @Test
    void pairedNullIsUniformOnPairedData() {
        double[] p = pValues(Design.PAIRED);
        assertEquals(0.05, share(p, 5), tolerance(0.05), "share of p <= 0.05");
        assertEquals(0.01, share(p, 1), tolerance(0.01), "share of p <= 0.01");
        // Kolmogorov's 1% critical value 1.63 / sqrt(R), conservative for a discrete distribution.
        assertTrue(ks(p) < 1.63 / Math.sqrt(REPLICATIONS), "KS statistic " + ks(p));
    }

    @Test
    void wholeTrialNullIsMiscalibratedOnPairedData() {
        // A pair's branches agree more than two unrelated trials, so relabelling across pairs inflates the null:
        // the p-values pile up near 1 and the test loses its power.
        double[] p = pValues(Design.UNPAIRED);
        assertTrue(share(p, 5) < 0.05 - tolerance(0.05), "share of p <= 0.05 is " + share(p, 5));
        assertTrue(ks(p) > 1.63 / Math.sqrt(REPLICATIONS), "KS statistic " + ks(p));
    }

    @Test
    void pairedRowsKeepTheStatisticAndRecordTheDesign() {
        PredictionMatrix[] pair = SyntheticPredictions.drawPairs(P, SyntheticPredictions.dirichlet(40, 4, 2, 12), 30,
                SHARED, 3);
        TvEstimator estimator = new TvEstimator(1, 10, 50);
        TvSummaryRow paired = estimator.estimate(4, "P", "R", pair[0], pair[1], 0, Design.PAIRED);
        TvSummaryRow unpaired = estimator.estimate(4, "P", "R", pair[0], pair[1], 0);
        assertEquals(Design.PAIRED, paired.design());
        assertEquals(Design.UNPAIRED, unpaired.design());
        assertEquals(TotalVariation.mean(pair[0], pair[1]), paired.tv());
        assertEquals(unpaired.tv(), paired.tv());
        assertEquals(Design.PAIRED, TvSummaryRow.withHolm(List.of(paired)).get(0).design());
        assertEquals(Design.PAIRED, paired.withDiverged(1, 2).design());
        // Both nested n-rows use the first n pairs; the paired random subsets keep pairs together.
        TvSummaryRow atN = estimator.estimateAtN(4, "P", "R", pair[0], pair[1], 10, 0, Design.PAIRED);
        assertEquals(TotalVariation.mean(Matrices.firstRows(pair[0], 10), Matrices.firstRows(pair[1], 10)), atN.tv());
    }

    @Test
    void pairedIntervalUsesWithinPairDifferences() {
        // Where the branches are strongly coupled, within-pair differences vary far less than the two sides do
        // independently, so the paired interval is narrower; its ends stay on the same estimates.
        double[][] q = SyntheticPredictions.mixture(P, SyntheticPredictions.dirichlet(40, 4, 2, 13), 0.2);
        PredictionMatrix[] pair = SyntheticPredictions.drawPairs(P, q, 100, 0.95, 4);
        PooledPredictions pool = PooledPredictions.ofPairs(pair[0], pair[1]);
        TvBracket.Bracket paired = TvBracket.ofPairs(pool, 100);
        TvBracket.Bracket unpaired = TvBracket.of(pool, 100, 100);
        assertEquals(unpaired.lower(), paired.lower());
        assertEquals(unpaired.upper(), paired.upper());
        assertTrue(paired.upperSe() < 0.7 * unpaired.upperSe(), paired + " vs " + unpaired);
        assertTrue(paired.lowerSe() < 0.7 * unpaired.lowerSe(), paired + " vs " + unpaired);
    }

    @Test
    void pairingNeedsTheSameTrialsOnBothSides() {
        PredictionMatrix a = SyntheticPredictions.draw(P, 6, 1);
        PredictionMatrix b = Matrices.firstRows(SyntheticPredictions.draw(P, 7, 2), 5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TvEstimator(1, 0, 10).estimate(1, "P", "R", a, b, 0, Design.PAIRED));
        assertTrue(e.getMessage().startsWith("a paired design needs the same trials on both sides"), e.getMessage());
    }

    @Test
    void squaredDistanceIsTheUStatisticOverDistinctDraws() {
        // One image, two classes, pairs (0,1), (0,0), (1,0): d(0) = 1, 0, -1 and d(1) = -1, 0, 1. Over the 6
        // ordered pairs of distinct draws only (1st, 3rd) and (3rd, 1st) contribute, each -2: D = -4/6.
        PairedTv pairs = PairedTv.of(Matrices.column(2, 0, 0, 1), Matrices.column(2, 1, 0, 0));
        assertEquals(-4.0 / 6, pairs.squaredDistance(PairedTv.identity(3)), 1e-15);
        // Drawing the first pair twice and the third not at all: the only couples of distinct pairs are the first
        // with the second, which does not disagree: D = 0 (counting the first pair with itself would give 4/6).
        assertEquals(0.0, pairs.squaredDistance(new int[] {2, 1, 0}), 1e-15);
        // The first twice, the third once: S(0) = 2 - 1, Q(0) = 4 + 1; the same for class 1; n^2 - sum m^2 = 4.
        assertEquals(2.0 * (1 - 5) / 4, pairs.squaredDistance(new int[] {2, 0, 1}), 1e-15);
    }

    @Test
    void squaredDistanceIsUnbiasedAtAFewPairs() {
        double[][] q = SyntheticPredictions.mixture(P, SyntheticPredictions.dirichlet(40, 4, 2, 14), 0.3);
        double truth = 0;
        for (int i = 0; i < P.length; i++) {
            for (int c = 0; c < P[i].length; c++) {
                truth += (P[i][c] - q[i][c]) * (P[i][c] - q[i][c]) / P.length;
            }
        }
        double[] d = new double[400];
        for (int r = 0; r < d.length; r++) {
            PredictionMatrix[] pair = SyntheticPredictions.drawPairs(P, q, 5, SHARED, 50 + r);
            d[r] = PairedTv.of(pair[0], pair[1]).squaredDistance(PairedTv.identity(5));
        }
        double mean = Arrays.stream(d).average().orElseThrow();
        double se = Math.sqrt(Arrays.stream(d).map(v -> (v - mean) * (v - mean)).sum() / (d.length - 1) / d.length);
        // The plug-in sum of squared frequency differences would sit about var / 5 per class above the truth.
        assertEquals(truth, mean, 4 * se, "truth " + truth + ", mean " + mean + " +- " + se);
    }
}
