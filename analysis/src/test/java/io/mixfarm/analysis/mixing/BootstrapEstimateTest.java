package io.mixfarm.analysis.mixing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BootstrapEstimateTest {

    @Test
    void theIntervalsEndsAreAtPositionsBPlusOneTimesTheTails() {
        // Replicates 1..100: the ends are the values at positions 101 * 0.025 = 2.525 and 101 * 0.975 = 98.475,
        // so that on average 95% of the bootstrap distribution lies between them (type 7's 3.475 and 97.525 held
        // 94.05 / 101 = 93.1% of it).
        double[] replicates = IntStream.rangeClosed(1, 100).mapToDouble(i -> i).toArray();
        BootstrapEstimate e = new BootstrapEstimate(50, replicates);
        assertEquals(2.525, e.low(), 1e-9, e.toString());
        assertEquals(98.475, e.high(), 1e-9, e.toString());
    }

    @Test
    void fewResamplesClampToTheExtremesAndUnsettledOnesAreLate() {
        BootstrapEstimate few = new BootstrapEstimate(2, new double[] {3, 1, 2});
        assertEquals(1.0, few.low());
        assertEquals(3.0, few.high());
        double[] replicates = IntStream.rangeClosed(1, 100).mapToDouble(i -> i > 97 ? Double.NaN : i).toArray();
        BootstrapEstimate late = new BootstrapEstimate(50, replicates);
        assertEquals(3, late.unsettled());
        assertEquals(Double.POSITIVE_INFINITY, late.high(), late.toString());
        assertEquals(2.525, late.low(), 1e-9, late.toString());
    }
}
