package org.nd4j.nativeblas;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Compatibility shim that switches DL4J 1.0.0-M2.1's oneDNN layer helpers back on.
 *
 * <p>{@code org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper#mklDnnEnabled()} looks up
 * {@code org.nd4j.nativeblas.Nd4jCpu$Environment.getInstance().isUseMKLDNN()} by reflection. nd4j-native
 * M2.1 moved that class to {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu} and renamed the method
 * {@code isUseONEDNN()}, so the lookup throws, DL4J caches the failure, and every convolution, pooling and
 * batch-norm layer silently falls back to generic ND4J ops, several times slower
 * (docs/performance.md, "Figures quoted by the code"). This class
 * restores the old name and delegates to the new one. {@code RuntimeSetupTest} proves the helpers run.
 *
 * <p>The delegate is found at run time, not linked at compile time: the CUDA build ({@code -Pcuda}) has no
 * CPU backend classes, and must compile too. There (DL4J asks only on the CPU backend) it answers false.
 */
public final class Nd4jCpu {

    private static final String CPU_ENVIRONMENT = "org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment";

    private Nd4jCpu() {
    }

    /** The old-name view of ND4J's native environment that DL4J's helpers ask. */
    public static final class Environment {

        private static final Environment INSTANCE = new Environment();

        private Environment() {
        }

        /** The singleton, as in the original class. */
        public static Environment getInstance() {
            return INSTANCE;
        }

        /** Whether ND4J's native library was built with oneDNN and uses it; false without the CPU backend. */
        public boolean isUseMKLDNN() {
            MethodHandle isUseOneDnn = Delegate.IS_USE_ONEDNN;
            if (isUseOneDnn == null) {
                return false;
            }
            try {
                return (boolean) isUseOneDnn.invoke();
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException("ND4J's oneDNN check failed", e);
            }
        }
    }

    /** Looked up once, on first use: {@code getInstance().isUseONEDNN()} of the CPU backend, or null. */
    private static final class Delegate {

        static final MethodHandle IS_USE_ONEDNN = lookup();

        private static MethodHandle lookup() {
            Class<?> environment;
            try {
                environment = Class.forName(CPU_ENVIRONMENT, false, Nd4jCpu.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                return null; // another backend (CUDA): no oneDNN
            }
            try {
                MethodHandles.Lookup lookup = MethodHandles.publicLookup();
                MethodHandle getInstance = lookup.findStatic(environment, "getInstance", MethodType.methodType(environment));
                MethodHandle isUseOneDnn = lookup.findVirtual(environment, "isUseONEDNN", MethodType.methodType(boolean.class));
                return MethodHandles.foldArguments(isUseOneDnn, getInstance);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("nd4j-native changed again: " + CPU_ENVIRONMENT
                        + ".getInstance().isUseONEDNN() not found", e);
            }
        }
    }
}
