package io.mixfarm.analysis.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SpreadTest {

    private static final double EPS = 1e-12;

    @Test
    void meanAndPercentilesOfOneToTenMatchTheHandComputedType7Values() {
        // Sorted 1..10: h = 9 * 0.1 = 0.9 gives 1 + 0.9 * (2 - 1) = 1.9; h = 9 * 0.9 = 8.1 gives 9 + 0.1 * (10 - 9).
        Spread s = Spread.of(new double[] {7, 3, 10, 1, 5, 2, 9, 4, 8, 6});
        assertEquals(10, s.count());
        assertEquals(5.5, s.mean(), EPS);
        assertEquals(1.9, s.p10(), EPS);
        assertEquals(9.1, s.p90(), EPS);
    }

    @Test
    void fourErrorRatesInterpolateBetweenOrderStatistics() {
        // Sorted .01 .02 .03 .05: h = 0.3 gives .01 + .3 * .01 = .013; h = 2.7 gives .03 + .7 * .02 = .044.
        Spread s = Spread.of(new double[] {0.01, 0.03, 0.02, 0.05});
        assertEquals(0.0275, s.mean(), EPS);
        assertEquals(0.013, s.p10(), EPS);
        assertEquals(0.044, s.p90(), EPS);
    }

    @Test
    void nonFiniteValuesAreLeftOutNotCountedAsZero() {
        Spread s = Spread.of(new double[] {Double.NaN, 4, Double.POSITIVE_INFINITY, 2});
        assertEquals(2, s.count());
        assertEquals(3.0, s.mean(), EPS);
        assertEquals(2.2, s.p10(), EPS);
        assertEquals(3.8, s.p90(), EPS);
    }

    @Test
    void oneValueIsItsOwnBand() {
        assertEquals(new Spread(1, 0.25, 0.25, 0.25), Spread.of(new double[] {0.25}));
    }

    @Test
    void noFiniteValueGivesNaNsAndACountOfZero() {
        Spread s = Spread.of(new double[] {Double.NaN});
        assertEquals(0, s.count());
        assertTrue(Double.isNaN(s.mean()) && Double.isNaN(s.p10()) && Double.isNaN(s.p90()));
        assertEquals(0, Spread.of(new double[0]).count());
    }
}
