package io.mixfarm.jobs.gpu;

import java.util.List;
import java.util.Optional;

/**
 * What ND4J says about this JVM's backend.
 *
 * @param backend   "CPU" or "CUDA" (ND4J's own word), or the backend the jar carries when it failed to load
 * @param devices   the CUDA devices ND4J sees (none on the CPU backend)
 * @param hostName  the CPU model, for the CPU backend's report
 * @param loadError why ND4J's backend did not load (missing natives or CUDA libraries, no driver), or null
 */
public record BackendInfo(String backend, List<GpuDevice> devices, String hostName, String loadError) {

    /** ND4J's name for its CUDA backend. */
    public static final String CUDA = "CUDA";

    public BackendInfo {
        devices = List.copyOf(devices);
    }

    /** A backend that loaded. */
    public static BackendInfo loaded(String backend, List<GpuDevice> devices, String hostName) {
        return new BackendInfo(backend, devices, hostName, null);
    }

    /** A backend that failed to load. */
    public static BackendInfo failed(String backend, String error) {
        return new BackendInfo(backend, List.of(), "", error);
    }

    /** Whether ND4J runs on CUDA here. */
    public boolean cuda() {
        return CUDA.equalsIgnoreCase(backend);
    }

    /** The device with this index, if ND4J sees it. */
    public Optional<GpuDevice> device(int index) {
        return devices.stream().filter(d -> d.index() == index).findFirst();
    }
}
