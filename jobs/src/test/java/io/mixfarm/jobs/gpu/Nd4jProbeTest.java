package io.mixfarm.jobs.gpu;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Reading ND4J's environment: the CPU backend here for real, the CUDA shape from what nd4j-cuda puts in it. */
class Nd4jProbeTest {

    @Test
    void theCpuBackendOfThisBuildIsReportedWithoutDevices() {
        BackendInfo info = Nd4jProbe.ND4J.probe();
        assertEquals(null, info.loadError());
        assertEquals("CPU", info.backend());
        assertEquals(List.of(), info.devices());
    }

    @Test
    void cudaDevicesAreReadFromTheDevicesInformationList() {
        // As CudaExecutioner.getEnvironmentInformation() fills it: a list of maps, one per device, Long values.
        Properties env = new Properties();
        env.put("backend", "CUDA");
        env.put("cuda.devicesInformation", List.of(
                Map.of("cuda.deviceName", "NVIDIA A100-SXM4-40GB", "cuda.deviceMajor", 8L, "cuda.deviceMinor", 0L,
                        "cuda.totalMemory", 42_298_834_944L, "cuda.freeMemory", 41_000_000_000L),
                Map.of("cuda.deviceName", "NVIDIA H100 80GB HBM3", "cuda.deviceMajor", 9L, "cuda.deviceMinor", 0L,
                        "cuda.totalMemory", 85_520_809_984L, "cuda.freeMemory", 84_000_000_000L)));
        List<GpuDevice> devices = Nd4jProbe.devices(env);
        assertEquals(List.of(
                new GpuDevice(0, "NVIDIA A100-SXM4-40GB", new ComputeCapability(8, 0), 42_298_834_944L, 41_000_000_000L),
                new GpuDevice(1, "NVIDIA H100 80GB HBM3", new ComputeCapability(9, 0), 85_520_809_984L, 84_000_000_000L)),
                devices);
        assertEquals(List.of(), Nd4jProbe.devices(new Properties()));
    }
}
