package io.mixfarm.core.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SystemLoadTest {

    @Test
    void theFirstFieldOfLoadavgIsTheOneMinuteLoad() {
        assertEquals(1.45, SystemLoad.parse("1.45 1.52 1.70 3/412 14773\n"));
    }

    @Test
    void thisMachinePublishesANonNegativeLoad() {
        assertTrue(SystemLoad.oneMinute() >= 0);
    }
}
