package io.mixfarm.core.model;

import org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu;

/**
 * libnd4j's count of the host bytes held by arrays outside workspaces: it rises when such an array is made and falls
 * when it is freed (closed, or found by a garbage collection), so what a piece of code leaves for the collector is
 * the count's rise across it. Workspaces' memory is not counted: it is reused, not left.
 */
public final class OffHeapBytes {

    private OffHeapBytes() {
    }

    /** Host bytes now held by arrays outside workspaces. */
    public static long held() {
        return Nd4jCpu.Environment.getInstance().getGroupCounter(0);
    }
}
