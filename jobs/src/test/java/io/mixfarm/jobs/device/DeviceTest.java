package io.mixfarm.jobs.device;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DeviceTest {

    @Test
    void labelsParseBackAndNothingElseDoes() {
        for (Device device : List.of(Device.cpu(1), Device.cpu(16), Device.gpu(0), Device.gpu(3))) {
            assertEquals(device, Device.parse(device.label()));
        }
        for (String bad : List.of("", "cpu", "cpu:1", "cpu:-1-threads", "cpu:1-thread", "cuda:", "gpu:0")) {
            assertThrows(IllegalArgumentException.class, () -> Device.parse(bad), bad);
        }
    }
}
