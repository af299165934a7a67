package io.mixfarm.analysis.mixing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mixfarm.analysis.tv.PredictionMatrix;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TvClockTest {

    private static final double TAU = 100;
    private static final double[] STEPS = KnownRelaxation.steps(20, 600);

    /** {@code D_t = d0 exp(-2 (t - from) / tau)} from step {@code from} on, {@code before} until then. */
    private static double[] exponential(double d0, double tau, double from, double before) {
        return Arrays.stream(STEPS).map(t -> t < from ? before : d0 * Math.exp(-2 * (t - from) / tau)).toArray();
    }

    @Test
    void anExactRelaxationGivesTauLnTen() {
        assertEquals(TAU * Math.log(10), TvClock.crossing(STEPS, exponential(0.02, TAU, 0, 0)), 1e-6);
    }

    @Test
    void timeIsFromThePeakOnWhateverComesBefore() {
        assertEquals(40 + TAU * Math.log(10), TvClock.crossing(STEPS, exponential(0.02, TAU, 40, 0.001)), 1e-6);
    }

    @Test
    void aLevelTheTailSitsAtDoesNotBendTheRate() {
        // The same trials at every point: their noise persists, and an estimated tail sits off 0. The fit's level
        // absorbs it; a fit forced to 0 would read a slower decay.
        double[] shifted = Arrays.stream(exponential(0.02, TAU, 0, 0)).map(d -> d + 0.004).toArray();
        assertEquals(TAU * Math.log(10), TvClock.crossing(STEPS, shifted), 1e-6);
        double[] below = Arrays.stream(exponential(0.02, TAU, 0, 0)).map(d -> d - 0.002).toArray();
        assertEquals(TAU * Math.log(10), TvClock.crossing(STEPS, below), 1e-6);
    }

    @Test
    void flatSlowOrRisingCurvesAreUnsettled() {
        assertTrue(Double.isNaN(TvClock.crossing(STEPS, exponential(0.02, 1000, 0, 0))), "10% beyond the window");
        assertTrue(Double.isNaN(TvClock.crossing(STEPS, exponential(-0.01, TAU, 0, 0))), "no positive peak");
        assertTrue(Double.isNaN(TvClock.crossing(STEPS, exponential(0.02, TAU, 560, 0))), "peak too late to fit");
    }

    @Test
    void badStepsAreOneClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TvClock.crossing(new double[] {0, 10, 10}, new double[] {1, 0, 0}));
        assertTrue(e.getMessage().startsWith("record steps must be finite and strictly increasing"), e.getMessage());
    }

    @Test
    void recoversTheKnownCrossingOfAnExponentialRelaxation() {
        KnownRelaxation known = new KnownRelaxation(200, 10, 0.15, 0.5);
        List<List<PredictionMatrix>> m = known.predictions(STEPS, TAU, 100, 21);
        BootstrapEstimate tmix = TvClock.estimate(STEPS, m.get(0), m.get(1), 100, 3);
        double truth = KnownRelaxation.trueTmix(TAU);
        assertEquals(truth, tmix.value(), 0.1 * truth, tmix.toString());
        assertTrue(tmix.low() <= truth && truth <= tmix.high(), tmix + " against " + truth);
        assertEquals(0, tmix.unsettled(), tmix.toString());
        // Deterministic for a seed, whatever the threads that ran the resamples.
        assertEquals(tmix.toString(), TvClock.estimate(STEPS, m.get(0), m.get(1), 100, 3).toString());
    }

    /** Two pairs: about half the resamples draw one pair twice, which has no unbiased distance; they are unsettled. */
    @Test
    void aResampleOfOneDistinctPairIsUnsettledNotAnError() {
        KnownRelaxation known = new KnownRelaxation(200, 10, 0.15, 0.5);
        List<List<PredictionMatrix>> m = known.predictions(STEPS, TAU, 2, 21);
        BootstrapEstimate tmix = TvClock.estimate(STEPS, m.get(0), m.get(1), 40, 3);
        assertTrue(tmix.unsettled() > 0, tmix.toString());
        assertEquals(Double.POSITIVE_INFINITY, tmix.high(), tmix.toString());
    }
}
