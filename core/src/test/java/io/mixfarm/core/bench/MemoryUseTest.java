package io.mixfarm.core.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemoryUseTest {

    @Test
    void readsKilobyteLinesOfProcStatus() {
        String status = "Name:\tjava\nVmHWM:\t  515616 kB\nVmRSS:\t  491020 kB\n";
        assertEquals(491_020L * 1024, MemoryUse.kilobytes(status, "VmRSS:"));
        assertEquals(515_616L * 1024, MemoryUse.kilobytes(status, "VmHWM:"));
        assertEquals(0, MemoryUse.kilobytes(status, "VmSwap:"));
    }

    @Test
    void thisProcessHasAResidentSetNoLargerThanItsPeak() {
        MemoryUse now = MemoryUse.now();
        assertTrue(now.rssBytes() > 0, now.toString());
        assertTrue(now.peakRssBytes() >= now.rssBytes(), now.toString());
        assertTrue(now.heapPeakBytes() > 0, now.toString());
    }
}
