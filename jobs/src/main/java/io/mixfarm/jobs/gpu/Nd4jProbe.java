package io.mixfarm.jobs.gpu;

import io.mixfarm.core.runtime.RuntimeSetup;
import org.bytedeco.javacpp.Loader;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/** What ND4J sees, behind an interface so the GPU check's logic runs with fake devices on a CPU-only machine. */
public interface Nd4jProbe {

    /** Loads ND4J's backend (if not yet) and describes it; a backend that fails to load is described, not thrown. */
    BackendInfo probe();

    /** Free memory of CUDA device {@code index} now, in bytes; only asked on the CUDA backend. */
    long freeDeviceBytes(int index);

    /** The real ND4J: {@code Nd4j.getExecutioner().getEnvironmentInformation()} and libnd4j's device queries. */
    Nd4jProbe ND4J = new Nd4jProbe() {
        @Override
        public BackendInfo probe() {
            Properties env;
            try {
                RuntimeSetup.configure();
                env = Nd4j.getExecutioner().getEnvironmentInformation();
            } catch (Throwable e) {
                // Catching Errors too on purpose: a missing native library (UnsatisfiedLinkError) or a failed
                // static initialiser is exactly what this check exists to report, as one line.
                String backend = jarBackend();
                return BackendInfo.failed(backend, nativeLoadError(backend).orElse(rootMessage(e)));
            }
            String backend = env.getProperty("backend", "unknown");
            return BackendInfo.loaded(backend, devices(env), cpuModel());
        }

        @Override
        public long freeDeviceBytes(int index) {
            return NativeOpsHolder.getInstance().getDeviceNativeOps().getDeviceFreeMemory(index);
        }
    };

    /**
     * The CUDA devices in ND4J's environment: {@code cuda.devicesInformation} is a list, one map per device in
     * device order, with {@code cuda.deviceName}, {@code cuda.deviceMajor}, {@code cuda.deviceMinor},
     * {@code cuda.totalMemory} and {@code cuda.freeMemory} (nd4j-cuda's {@code CudaExecutioner}).
     */
    static List<GpuDevice> devices(Properties env) {
        List<GpuDevice> devices = new ArrayList<>();
        if (env.get("cuda.devicesInformation") instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i) instanceof Map<?, ?> d) {
                    devices.add(new GpuDevice(i, String.valueOf(d.get("cuda.deviceName")),
                            new ComputeCapability(number(d, "cuda.deviceMajor"), number(d, "cuda.deviceMinor")),
                            longNumber(d, "cuda.totalMemory"), longNumber(d, "cuda.freeMemory")));
                }
            }
        }
        return devices;
    }

    private static int number(Map<?, ?> map, String key) {
        return (int) Math.min(Integer.MAX_VALUE, longNumber(map, key));
    }

    private static long longNumber(Map<?, ?> map, String key) {
        return map.get(key) instanceof Number n ? n.longValue() : -1;
    }

    /** The backend this jar carries, for a report when it failed to load. */
    private static String jarBackend() {
        for (String[] candidate : new String[][] {{"org.nd4j.linalg.jcublas.JCublasBackend", "CUDA"},
                {"org.nd4j.linalg.cpu.nativecpu.CpuBackend", "CPU"}}) {
            try {
                Class.forName(candidate[0], false, Nd4jProbe.class.getClassLoader());
                return candidate[1];
            } catch (ClassNotFoundException | LinkageError e) {
                // not this one
            }
        }
        return "none";
    }

    /**
     * Why the backend's natives do not load, asked of JavaCPP directly: ND4J logs that and throws a generic
     * "no backend" exception instead, while the user needs to know which library is missing (e.g. jnicudart:
     * the jar lacks its natives; libcudart.so.11.0: the node lacks CUDA 11).
     */
    private static Optional<String> nativeLoadError(String backend) {
        String bindings = backend.equals("CUDA") ? "org.nd4j.linalg.jcublas.bindings.Nd4jCuda"
                : "org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu";
        try {
            Loader.load(Class.forName(bindings, false, Nd4jProbe.class.getClassLoader()));
            return Optional.empty();
        } catch (Throwable e) {
            // Errors included: UnsatisfiedLinkError is the answer sought.
            return Optional.of(rootMessage(e));
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getClass().getSimpleName() + ": " + root.getMessage();
        return message.replaceAll("\\s+", " ").strip().replaceAll("\\.$", "");
    }

    /** The CPU model from /proc/cpuinfo (Linux), else the architecture. */
    private static String cpuModel() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).strip())
                    .findFirst().orElse(System.getProperty("os.arch"));
        } catch (IOException | RuntimeException e) {
            return System.getProperty("os.arch");
        }
    }
}
