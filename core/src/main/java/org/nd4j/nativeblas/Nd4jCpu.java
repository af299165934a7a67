package org.nd4j.nativeblas;

/**
 * Compatibility shim that switches DL4J 1.0.0-M2.1's oneDNN layer helpers back on.
 *
 * <p>{@code org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper#mklDnnEnabled()} looks up
 * {@code org.nd4j.nativeblas.Nd4jCpu$Environment.getInstance().isUseMKLDNN()} by reflection. nd4j-native
 * M2.1 moved that class to {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu} and renamed the method
 * {@code isUseONEDNN()}, so the lookup throws, DL4J caches the failure, and every convolution, pooling and
 * batch-norm layer silently falls back to generic ND4J ops (about 5x slower on the MNIST CNN). This class
 * restores the old name and delegates to the new one. {@code RuntimeSetupTest} proves the helpers run.
 */
public final class Nd4jCpu {

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

        /** Whether ND4J's native library was built with oneDNN and uses it. */
        public boolean isUseMKLDNN() {
            return org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu.Environment.getInstance().isUseONEDNN();
        }
    }
}
