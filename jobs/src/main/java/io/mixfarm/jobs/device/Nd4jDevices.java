package io.mixfarm.jobs.device;

import org.nd4j.linalg.factory.Nd4j;

/**
 * The thin edge between a task and ND4J's device handling, behind an interface so the binding logic is
 * tested on a CPU-only machine.
 */
public interface Nd4jDevices {

    /** Makes the calling thread's ND4J work run on GPU {@code index}. */
    void useGpu(int index);

    /** Caps ND4J's native threads for the calling process's trials. */
    void useCpuThreads(int threads);

    /** The real ND4J: the CUDA backend's affinity manager for GPUs, the native environment for threads. */
    Nd4jDevices ND4J = new Nd4jDevices() {
        @Override
        public void useGpu(int index) {
            Nd4j.getAffinityManager().unsafeSetDevice(index);
        }

        @Override
        public void useCpuThreads(int threads) {
            Nd4j.getEnvironment().setMaxThreads(threads);
            Nd4j.getEnvironment().setMaxMasterThreads(threads);
        }
    };
}
