package io.mixfarm.jobs.device;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DeviceBindingTest {

    /** Records what the binding asked of ND4J. */
    static final class RecordingDevices implements Nd4jDevices {
        final List<String> calls = new ArrayList<>();

        @Override
        public void useGpu(int index) {
            calls.add("gpu " + index);
        }

        @Override
        public void useCpuThreads(int threads) {
            calls.add("cpu " + threads);
        }
    }

    @Test
    void aTaskGivenGpuOneAsksNd4jForDeviceOne() {
        RecordingDevices nd4j = new RecordingDevices();
        Device device = new DeviceBinding(nd4j).bind(Map.of("gpu", List.of("1")), 2);
        assertEquals(Device.gpu(1), device);
        assertEquals("cuda:1", device.label());
        assertEquals(List.of("gpu 1"), nd4j.calls);
    }

    @Test
    void noGpuResourcesMeansTheCpuWithTheConfiguredThreads() {
        RecordingDevices nd4j = new RecordingDevices();
        Device device = new DeviceBinding(nd4j).bind(Map.of(), 2);
        assertEquals(Device.cpu(2), device);
        assertEquals("cpu:2-threads", device.label());
        assertEquals(List.of("cpu 2"), nd4j.calls);
        assertEquals(Device.cpu(1), new DeviceBinding(nd4j).bind(Map.of("gpu", List.of()), 1));
    }
}
