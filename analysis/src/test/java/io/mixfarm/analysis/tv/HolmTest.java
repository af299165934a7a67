package io.mixfarm.analysis.tv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class HolmTest {

    @Test
    void aHandCheckedExample() {
        // Sorted: 0.005 (x4 = 0.02), 0.01 (x3 = 0.03), 0.03 (x2 = 0.06), 0.04 (x1 = 0.04, raised to 0.06 by the
        // running maximum, so adjusted values keep the order of the raw ones).
        double[] adjusted = Holm.adjust(new double[] {0.01, 0.04, 0.03, 0.005});
        assertArrayEquals(new double[] {0.03, 0.06, 0.06, 0.02}, adjusted, 1e-15);
    }

    @Test
    void adjustedValuesAreCappedAtOneAndTiesShareTheirValue() {
        assertArrayEquals(new double[] {1.0, 1.0}, Holm.adjust(new double[] {0.5, 0.6}), 0);
        // Two tied smallest values: 3 x 0.02 = 0.06, then 2 x 0.02 = 0.04 raised to 0.06 by the running maximum.
        assertArrayEquals(new double[] {0.06, 0.06, 0.5}, Holm.adjust(new double[] {0.02, 0.02, 0.5}), 1e-15);
    }

    @Test
    void aValueNotComputedStaysNaNAndIsNotCounted() {
        // m = 2, not 3: 2 x 0.01 = 0.02, 1 x 0.2 = 0.2.
        assertArrayEquals(new double[] {0.02, Double.NaN, 0.2}, Holm.adjust(new double[] {0.01, Double.NaN, 0.2}),
                1e-15);
        assertArrayEquals(new double[] {}, Holm.adjust(new double[] {}), 0);
        assertArrayEquals(new double[] {0.3}, Holm.adjust(new double[] {0.3}), 0);
    }

    @Test
    void valuesOutsideZeroToOneAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Holm.adjust(new double[] {0.1, 1.5}));
    }
}
