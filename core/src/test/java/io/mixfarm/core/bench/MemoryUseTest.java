package io.mixfarm.core.bench;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

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

    @Test
    void resettingThePeakForgetsAnEarlierLargerResidentSet() {
        // 256 MB of native memory, touched, then freed at once (an allocation this large is its own mapping, so
        // freeing it shrinks the resident set; the Java heap would keep its pages).
        INDArray big = Nd4j.zeros(DataType.FLOAT, 64L << 20).addi(1);
        long peakWithBig = MemoryUse.now().peakRssBytes();
        big.close();
        assertTrue(MemoryUse.resetPeak(), "Linux 4.0+ resets VmHWM");
        MemoryUse after = MemoryUse.now();
        assertTrue(after.peakRssBytes() < peakWithBig - (128L << 20),
                "peak " + after.peakRssBytes() + " after the reset, " + peakWithBig + " before");
    }
}
