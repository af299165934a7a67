package io.mixfarm.jobs.device;

import java.util.List;
import java.util.Map;

/**
 * Chooses a task's device from the resources Spark assigned it: the first GPU address if any (Spark gives each
 * task its own address, also with fractional {@code spark.task.resource.gpu.amount}), else the CPU.
 */
public final class DeviceBinding {

    private final Nd4jDevices devices;

    public DeviceBinding(Nd4jDevices devices) {
        this.devices = devices;
    }

    /**
     * Binds the calling thread and returns the device.
     *
     * @param resources the task's resources, name to addresses (from {@code TaskContext.resources()})
     * @param threads   threads per trial on the CPU
     */
    public Device bind(Map<String, List<String>> resources, int threads) {
        List<String> gpus = resources.getOrDefault("gpu", List.of());
        if (!gpus.isEmpty()) {
            int index = Integer.parseInt(gpus.get(0).trim());
            devices.useGpu(index);
            return Device.gpu(index);
        }
        devices.useCpuThreads(threads);
        return Device.cpu(threads);
    }
}
