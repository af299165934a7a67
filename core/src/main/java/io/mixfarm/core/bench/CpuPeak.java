package io.mixfarm.core.bench;

/**
 * A CPU's theoretical fp32 peak, to express achieved GFLOP/s as a share of it.
 *
 * @param gflopsPerCore peak GFLOP/s of one core: FMA units x fp32 lanes per unit x 2 FLOPs x clock in GHz
 */
public record CpuPeak(double gflopsPerCore) {

    /**
     * The development machine (AMD EPYC, family 26 = Zen 5, AVX-512 with full-width units): 2 FMA units x 16 fp32
     * lanes x 2 FLOPs x 2.1 GHz nominal = 134.4 GFLOP/s per core, the figure issue 6 states. A core that boosts
     * above 2.1 GHz has a higher real peak, so shares of this peak are upper bounds on efficiency.
     */
    public static final CpuPeak DEVELOPMENT_MACHINE = new CpuPeak(2 * 16 * 2 * 2.1);

    public CpuPeak {
        if (!(gflopsPerCore > 0) || Double.isInfinite(gflopsPerCore)) {
            throw new IllegalArgumentException("peak GFLOP/s per core must be a positive number, got "
                    + gflopsPerCore);
        }
    }

    /** Peak GFLOP/s of {@code threads} cores. */
    public double gflops(int threads) {
        return gflopsPerCore * threads;
    }

    /** The share of the peak of {@code threads} cores that {@code gflops} achieves. */
    public double share(double gflops, int threads) {
        return gflops / gflops(threads);
    }
}
