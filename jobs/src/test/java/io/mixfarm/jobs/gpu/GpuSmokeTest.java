package io.mixfarm.jobs.gpu;

import io.mixfarm.core.data.EmbeddedSample;
import io.mixfarm.jobs.device.Nd4jDevices;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The smoke trials for real on this CPU, with a fake CUDA device: every concurrent trial binds its own thread to
 * the device it was given (as farm tasks do), and each level reports throughput and memory.
 */
class GpuSmokeTest {

    /** Records which thread asked for which device. */
    private static final class RecordingDevices implements Nd4jDevices {
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void useGpu(int index) {
            calls.add(Thread.currentThread().getName() + " gpu " + index);
        }

        @Override
        public void useCpuThreads(int threads) {
            calls.add("cpu " + threads);
        }
    }

    /** A CUDA device 1 that is really this CPU, with a fixed free-memory reading. */
    private static final Nd4jProbe FAKE_GPU = new Nd4jProbe() {
        @Override
        public BackendInfo probe() {
            return BackendInfo.loaded("CUDA", List.of(new GpuDevice(1, "fake", new ComputeCapability(8, 0), 1L << 30,
                    1L << 30)), "");
        }

        @Override
        public long freeDeviceBytes(int index) {
            return 1L << 30;
        }
    };

    @Test
    void concurrentTrialsBindTheirOwnThreadsToTheDeviceAndReportEachLevel() {
        RecordingDevices devices = new RecordingDevices();
        SmokeOptions options = new SmokeOptions(1, 2, 256, 100, 64, List.of(1, 2), 7);
        List<Measurement> measurements = new GpuSmoke(FAKE_GPU, devices).run(FAKE_GPU.probe(), options,
                EmbeddedSample.load());

        assertEquals(List.of(1, 2), measurements.stream().map(Measurement::trials).toList());
        // Three trials in all (1 + 2), each bound to device 1 on a thread of its own level's pool.
        assertEquals(3, devices.calls.size(), devices.calls.toString());
        assertTrue(devices.calls.stream().allMatch(c -> c.endsWith(" gpu 1")), devices.calls.toString());
        assertEquals(3, devices.calls.stream().distinct().count(), "one thread per trial: " + devices.calls);
        for (Measurement m : measurements) {
            assertTrue(m.run().completed(), m.toString());
            assertTrue(m.imagesPerSecond() > 0, m.toString());
            assertTrue(Double.isFinite(m.run().trainLoss()), m.toString());
            assertTrue(m.memory().offheapBytes() > 0 && m.memory().physicalBytes() > 0, m.toString());
            assertEquals(0, m.memory().deviceUsedBytes(), "the fake device's free memory never changes");
        }
    }

    @Test
    void onTheCpuBackendNoThreadIsBoundToAGpu() {
        RecordingDevices devices = new RecordingDevices();
        BackendInfo cpu = BackendInfo.loaded("CPU", List.of(), "test");
        List<Measurement> measurements = new GpuSmoke(FAKE_GPU, devices).run(cpu,
                new SmokeOptions(0, 2, 128, 50, 64, List.of(1), 1), EmbeddedSample.load());
        assertEquals(List.of(), devices.calls);
        assertEquals(-1, measurements.get(0).memory().deviceUsedBytes());
    }
}
