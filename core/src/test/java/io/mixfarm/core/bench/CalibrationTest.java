package io.mixfarm.core.bench;

import io.mixfarm.core.data.Preprocessing;
import io.mixfarm.core.model.InputShape;
import io.mixfarm.core.model.ModelSpec;
import io.mixfarm.core.schedule.Schedule;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

class CalibrationTest {

    @Test
    void measuresPositiveFiniteRatesWithoutAnyDataOnDisk() {
        Calibration.Throughput rates = Calibration.measure(ModelSpec.mnistCnn(2), Preprocessing.NONE,
                new InputShape(1, 28, 28, 10), Schedule.parse("probe", "1: lr=0.1 wd=0.1"), 32, 1, 2);
        assertTrue(rates.trainImagesPerSecond() > 0 && Double.isFinite(rates.trainImagesPerSecond()), rates.toString());
        assertTrue(rates.predictImagesPerSecond() > 0 && Double.isFinite(rates.predictImagesPerSecond()),
                rates.toString());
        assertTrue(rates.trainImagesPerCpuSecond() > 0 && Double.isFinite(rates.trainImagesPerCpuSecond()),
                rates.toString());
        assertTrue(rates.statisticsImagesPerSecond() > 0 && Double.isFinite(rates.statisticsImagesPerSecond()),
                rates.toString());
    }
}
