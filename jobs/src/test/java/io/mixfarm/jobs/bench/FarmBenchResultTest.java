package io.mixfarm.jobs.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The farm figures' arithmetic: the sequential baseline pays a thread's warm-up once, as one slot would. */
class FarmBenchResultTest {

    @Test
    void baselineIsTheFirstTrialPlusTheWarmOnes() {
        // 4 trials: first 21 s on a new thread, 19 s each after; the farm took 40 s on 2 slots.
        FarmBenchResult r = new FarmBenchResult(4, 3, 2, 40.0, 78.0, 0.0256, 21.0, 19.0, 1300.0);

        assertEquals(21.0 + 3 * 19.0, r.sequentialSeconds(), 1e-12);
        assertEquals(78.0 / 40.0, r.speedupOverSolo(), 1e-12);
        assertEquals(4 / 40.0 * 3600, r.trialsPerHour(), 1e-9);
    }

    @Test
    void oneTrialFarmComparesWithTheFirstTrialOnly() {
        FarmBenchResult r = new FarmBenchResult(1, 1, 2, 10.0, 9.0, 0.111, 9.5, 8.0, 1300.0);

        assertEquals(9.5, r.sequentialSeconds(), 1e-12);
        assertEquals(0.95, r.speedupOverSolo(), 1e-12);
    }
}
