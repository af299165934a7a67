package io.mixfarm.analysis.mixing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mixfarm.analysis.tv.Design;
import io.mixfarm.analysis.tv.PredictionMatrix;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MixingAnalysisTest {

    private static final int PAIRS = 64;

    /** A study whose function-space time constant is {@code 2.5 / lambda_e}, so both clocks scale with slope 1. */
    private static MixingAnalysis.Branches branches(double lambdaE, long seed) {
        // Record every 1/(8 lambda_e) steps, to 15/lambda_e: fine enough for the rate, long enough for T_mix.
        int every = (int) Math.round(0.125 / lambdaE);
        double[] steps = KnownRelaxation.steps(every, 120 * every);
        List<List<PredictionMatrix>> m = new KnownRelaxation(100, 10, 0.15, 0.5)
                .predictions(steps, 2.5 / lambdaE, PAIRS, seed);
        double[][][] lr = KnownRelaxation.effectiveLrs(steps, lambdaE, PAIRS, seed);
        return new MixingAnalysis.Branches(lambdaE, Design.PAIRED, steps, m.get(0), m.get(1), lr[0], lr[1]);
    }

    @Test
    void aStudyWithSlopeOneGivesRowsPerLrAndALawPerClock() {
        List<MixingAnalysis.Branches> study = new ArrayList<>();
        double[] lambdas = {0.04, 0.02, 0.01};
        for (int i = 0; i < lambdas.length; i++) {
            study.add(branches(lambdas[i], 100 + i));
        }
        MixingAnalysis.Result result = new MixingAnalysis(40, 1).run(study);
        assertEquals(3, result.rows().size());
        for (int i = 0; i < lambdas.length; i++) {
            MixingSummaryRow row = result.rows().get(i);
            assertEquals(lambdas[i], row.lambdaE());
            assertEquals(Design.PAIRED, row.design());
            assertEquals(PAIRS, row.pairs());
            assertEquals(4 * lambdas[i], row.ratePredicted(), 1e-15);
            double truth = KnownRelaxation.trueTmix(2.5 / lambdas[i]);
            assertEquals(truth, row.tmix(), 0.15 * truth, row.toString());
            assertTrue(row.tmixLow() <= row.tmix() && row.tmix() <= row.tmixHigh(), row.toString());
            assertEquals(1.0, row.rateMeasured() / row.ratePredicted(), 0.15, row.toString());
        }
        assertEquals(List.of(Clock.FUNCTION_SPACE, Clock.NORM),
                result.laws().stream().map(MixingStudyRow::clock).toList());
        for (MixingStudyRow law : result.laws()) {
            assertEquals(1.0, law.slope(), 0.15, law.toString());
            assertTrue(law.slopeLow() <= 1 && 1 <= law.slopeHigh(), law.toString());
            assertEquals(3, law.points());
        }
    }

    @Test
    void repeatedIntrinsicLrsAreOneClearError() {
        MixingAnalysis.Branches b = branches(0.04, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MixingAnalysis(2, 1).run(List.of(b, b)));
        assertTrue(e.getMessage().startsWith("intrinsic LRs must be distinct"), e.getMessage());
    }
}
