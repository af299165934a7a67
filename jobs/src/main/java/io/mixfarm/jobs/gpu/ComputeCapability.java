package io.mixfarm.jobs.gpu;

/**
 * A CUDA compute capability such as 8.6 ({@code sm_86}).
 *
 * @param major the architecture generation (8: Ampere/Ada, 9: Hopper)
 * @param minor the revision within it
 */
public record ComputeCapability(int major, int minor) implements Comparable<ComputeCapability> {

    /**
     * The newest architecture nd4j-cuda-11.6 (DL4J 1.0.0-M2.1) carries compiled kernels for, as its release
     * states; CUDA 11.6 itself stops at sm_87 and knows no sm_89 or sm_90 target.
     */
    public static final ComputeCapability ND4J_CUDA_NEWEST = new ComputeCapability(8, 6);

    public ComputeCapability {
        if (major < 1 || minor < 0) {
            throw new IllegalArgumentException("compute capability must be MAJOR.MINOR with MAJOR >= 1, got "
                    + major + "." + minor);
        }
    }

    /** The nvcc target name, e.g. {@code sm_86}. */
    public String sm() {
        return "sm_" + major + minor;
    }

    /**
     * Whether compiled kernels for {@code newest} and the generations before it run here without JIT: a cubin
     * for X.y runs on X.z with z >= y (same major only), so Ampere's sm_80/sm_86 code runs on sm_87 and sm_89
     * (Ada), but nothing compiled for major 8 runs on sm_90 (Hopper) without the driver JIT-compiling PTX.
     */
    public boolean runsCompiledKernelsUpTo(ComputeCapability newest) {
        return major <= newest.major;
    }

    @Override
    public int compareTo(ComputeCapability other) {
        return major != other.major ? Integer.compare(major, other.major) : Integer.compare(minor, other.minor);
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
