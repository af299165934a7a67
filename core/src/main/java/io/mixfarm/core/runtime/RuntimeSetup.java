package io.mixfarm.core.runtime;

import org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper;
import org.nd4j.linalg.factory.Nd4j;


/**
 * Puts the JVM in the state every trial needs, before ND4J loads its natives.
 *
 * <p>Three system properties decide whether DL4J's oneDNN layer helpers run, and they are off by default in
 * 1.0.0-M2.1: (a) {@code org.eclipse.deeplearning4j.helpers.disable} defaults to {@code true}; (b) the
 * oneDNN build of the natives is chosen with {@code org.bytedeco.javacpp.platform.extension=-onednn}; (c) the
 * helpers' availability check needs the {@link org.nd4j.nativeblas.Nd4jCpu} shim in this module. Without them
 * a trial trains several times slower (docs/performance.md, "Figures quoted by the code"). The launcher and
 * surefire pass the same properties on the command line; setting them here too covers Spark executors and
 * embedded use, where no launcher runs first.
 *
 * <p>{@code OMP_NUM_THREADS} and {@code GLIBC_TUNABLES} are environment variables read at process start, so
 * they are the launchers' job; {@link #threads()} reports what this process got.
 */
public final class RuntimeSetup {

    /** DL4J's switch for its platform helpers (cuDNN, oneDNN); "false" enables them. */
    public static final String HELPERS_DISABLE = "org.eclipse.deeplearning4j.helpers.disable";
    /** JavaCPP's choice of native build; "-onednn" selects nd4j-native's oneDNN variant. */
    public static final String PLATFORM_EXTENSION = "org.bytedeco.javacpp.platform.extension";

    /** The CPU backend's class; its absence means another backend (CUDA) whose natives have no -onednn build. */
    private static final String CPU_BACKEND = "org.nd4j.linalg.cpu.nativecpu.CpuBackend";

    private RuntimeSetup() {
    }

    /**
     * Sets the properties unless the user set them explicitly (so {@code -D...disable=true} still turns the
     * helpers off for a comparison run), then loads ND4J. Idempotent.
     */
    public static synchronized void configure() {
        setIfAbsent(HELPERS_DISABLE, "false");
        if (onClasspath(CPU_BACKEND)) {
            setIfAbsent(PLATFORM_EXTENSION, "-onednn");
        }
        Nd4j.getBackend();
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    private static boolean onClasspath(String className) {
        try {
            Class.forName(className, false, RuntimeSetup.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** Whether DL4J will create oneDNN helpers for new layers in this JVM. */
    public static boolean helpersEnabled() {
        configure();
        return !Boolean.parseBoolean(System.getProperty(HELPERS_DISABLE, "true"))
                && BaseMKLDNNHelper.mklDnnEnabled();
    }

    /** The ND4J backend in use, e.g. "CPU" or "CUDA". */
    public static String backend() {
        configure();
        return Nd4j.getExecutioner().getEnvironmentInformation().getProperty("backend");
    }

    /**
     * The OpenMP threads this process's native code runs with, which results depend on bit for bit: the
     * {@code OMP_NUM_THREADS} the process started with (OpenMP reads it once, at start; ND4J's thread settings
     * change neither the count nor the results afterwards), or every core when it is unset.
     */
    public static int openMpThreads() {
        String value = System.getenv("OMP_NUM_THREADS");
        if (value != null) {
            try {
                int threads = Integer.parseInt(value.strip());
                if (threads >= 1) {
                    return threads;
                }
            } catch (NumberFormatException e) {
                // OpenMP ignores a value it cannot read, and so do we.
            }
        }
        return Runtime.getRuntime().availableProcessors();
    }

    /** The number of OpenMP threads ND4J's native ops use in this process. */
    public static int threads() {
        configure();
        return Nd4j.getEnvironment().maxThreads();
    }
}
