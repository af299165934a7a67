package io.mixfarm.core.model;

import java.lang.reflect.Method;

/**
 * libnd4j's count of the host bytes held by arrays outside workspaces: it rises when such an array is made and falls
 * when it is freed (closed, or found by a garbage collection), so what a piece of code leaves for the collector is
 * the count's rise across it. Workspaces' memory is not counted: it is reused, not left.
 *
 * <p>The count lives in the CPU backend's bindings, reached by reflection: the tests also compile in the CUDA build
 * ({@code -Pcuda}), which has no CPU backend on its classpath.
 */
public final class OffHeapBytes {

    private static final String CPU_ENVIRONMENT = "org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment";

    private OffHeapBytes() {
    }

    /** Host bytes now held by arrays outside workspaces. */
    public static long held() {
        try {
            Class<?> environment = Class.forName(CPU_ENVIRONMENT);
            Object instance = environment.getMethod("getInstance").invoke(null);
            Method counter = environment.getMethod("getGroupCounter", int.class);
            return (Long) counter.invoke(instance, 0);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("libnd4j's byte count needs ND4J's CPU backend", e);
        }
    }
}
