package io.mixfarm.analysis.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class EpochAggregateTest {

    private static final double EPS = 1e-12;

    private static MetricRow row(String schedule, int trial, int epoch, double train, double test, double norm) {
        return new MetricRow(schedule, trial, epoch, 0.1, train, test, norm, 0.1 / (norm * norm), Map.of());
    }

    @Test
    void groupsBySchedulesAndEpochsInSortedOrderWhateverTheInputOrder() {
        List<EpochAggregate> out = EpochAggregate.of(List.of(
                row("WD-decay", 0, 2, 0.1, 0.2, 1), row("Const", 0, 2, 0.1, 0.2, 1),
                row("Const", 0, 1, 0.1, 0.2, 1), row("WD-decay", 0, 1, 0.1, 0.2, 1)));
        assertEquals(List.of("Const 1", "Const 2", "WD-decay 1", "WD-decay 2"),
                out.stream().map(a -> a.schedule() + " " + a.epoch()).toList());
    }

    @Test
    void summarisesEachQuantityOverTrialsByHand() {
        // Three trials of one schedule at epoch 5; the third has no norm (NaN), which must not count as zero.
        List<EpochAggregate> out = EpochAggregate.of(List.of(
                row("Const", 0, 5, 0.01, 0.04, 2.0),
                row("Const", 1, 5, 0.03, 0.02, 4.0),
                row("Const", 2, 5, 0.02, 0.03, Double.NaN)));
        assertEquals(1, out.size());
        EpochAggregate a = out.get(0);
        assertEquals(3, a.trials());
        // Train .01 .02 .03: mean .02; h = 0.2 gives .012; h = 1.8 gives .028.
        assertEquals(0.02, a.trainError().mean(), EPS);
        assertEquals(0.012, a.trainError().p10(), EPS);
        assertEquals(0.028, a.trainError().p90(), EPS);
        // Test .02 .03 .04: mean .03, band .022 to .038.
        assertEquals(0.03, a.testError().mean(), EPS);
        assertEquals(0.022, a.testError().p10(), EPS);
        assertEquals(0.038, a.testError().p90(), EPS);
        // Norm 2 and 4 only: mean 3, band 2.2 to 3.8; effective LR 0.1/4 and 0.1/16.
        assertEquals(2, a.norm().count());
        assertEquals(3.0, a.norm().mean(), EPS);
        assertEquals(2.2, a.norm().p10(), EPS);
        assertEquals(3.8, a.norm().p90(), EPS);
        assertEquals((0.025 + 0.00625) / 2, a.effectiveLr().mean(), EPS);
    }

    @Test
    void noRowsGiveNoAggregates() {
        assertEquals(List.of(), EpochAggregate.of(List.of()));
    }
}
