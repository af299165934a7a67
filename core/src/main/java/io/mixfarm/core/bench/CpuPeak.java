package io.mixfarm.core.bench;

/**
 * A CPU's theoretical fp32 peak, to express achieved GFLOP/s as a share of it.
 *
 * @param gflopsPerCore peak GFLOP/s of one core: FMA units x fp32 lanes per unit x 2 FLOPs x clock in GHz
 */
public record CpuPeak(double gflopsPerCore) {

    /**
     * The development machine's fp32 peak per core as measured, the default of every share-of-peak figure: the
     * "fp32 peak" row of docs/performance.md, "The machine", gives the measurement, its command and the nominal
     * figure beside it (CpuPeakTest keeps the two equal). Measured rather than nominal because the cores run above
     * their nominal clock, so shares of the nominal peak overstate efficiency and can exceed 1. A compile-time
     * constant, so that command-line defaults can name it.
     */
    public static final double DEVELOPMENT_MACHINE_GFLOPS_PER_CORE = 212;

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
