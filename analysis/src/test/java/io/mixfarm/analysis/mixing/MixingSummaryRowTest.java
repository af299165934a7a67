package io.mixfarm.analysis.mixing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mixfarm.analysis.tv.Design;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** What {@code mixing_summary} writes of an interval whose resamples did not all settle. */
class MixingSummaryRowTest {

    /** 200 replicates: {@code settled} of them 100, 101, ..., the rest NaN (did not settle). */
    private static BootstrapEstimate settling(int settled) {
        double[] replicates = new double[200];
        Arrays.fill(replicates, Double.NaN);
        for (int r = 0; r < settled; r++) {
            replicates[r] = 100 + r;
        }
        return new BootstrapEstimate(settled > 0 ? 120 : Double.NaN, replicates);
    }

    private static MixingSummaryRow row(BootstrapEstimate clock) {
        return MixingSummaryRow.of(0.04, Design.PAIRED, 20, clock, clock, settling(200), null);
    }

    @Test
    void anEndAmongUnsettledResamplesIsNaNAndTheSettledShareSaysHowMany() {
        // Almost none settled: the interval was [inf, inf], which no reader can use.
        MixingSummaryRow none = row(settling(2));
        assertTrue(Double.isNaN(none.tmixLow()) && Double.isNaN(none.tmixHigh()), none.toString());
        assertEquals(0.01, none.tmixSettled(), 1e-15);
        assertTrue(Double.isNaN(none.normClockLow()) && Double.isNaN(none.normClockHigh()), none.toString());
        assertEquals(0.01, none.normClockSettled(), 1e-15);
        // 90% settled: the lower end is a time, the upper one lies beyond the recorded steps.
        MixingSummaryRow most = row(settling(180));
        assertEquals(104.025, most.tmixLow(), 1e-9);
        assertTrue(Double.isNaN(most.tmixHigh()), most.toString());
        assertEquals(0.9, most.tmixSettled(), 1e-15);
        // All settled: both ends are times.
        MixingSummaryRow all = row(settling(200));
        assertEquals(104.025, all.tmixLow(), 1e-9);
        assertEquals(294.975, all.tmixHigh(), 1e-9);
        assertEquals(1.0, all.tmixSettled());
        assertEquals(all.tmixLow(), all.rateLow());
    }

    @Test
    void withoutResamplesThereIsNoIntervalAndNoShare() {
        MixingSummaryRow row = row(new BootstrapEstimate(50, new double[0]));
        assertTrue(Double.isNaN(row.tmixLow()) && Double.isNaN(row.tmixHigh()) && Double.isNaN(row.tmixSettled()),
                row.toString());
        assertEquals(Equilibrium.NOT_CHECKED, row.equilibrium());
    }
}
