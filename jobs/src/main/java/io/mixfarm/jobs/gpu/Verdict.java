package io.mixfarm.jobs.gpu;

/**
 * The GPU check's answer: a keyword a script can match, one sentence for a person, and the exit status.
 *
 * <p>Exit statuses: {@value #USABLE} the GPU works (also through JIT); {@value #NOT_USABLE} ND4J's CUDA backend
 * does not work on this node; {@value #CPU} ND4J runs on the CPU (the CPU jar, or a CPU-only node): no GPU is
 * used, which is what a GPU farm must not silently do. Bad options exit 2 like every mixfarm command.
 *
 * @param kind     ok, ok-jit, cpu-backend, backend-failed, no-gpu, cuda-error, unsupported-arch, wrong-results
 * @param detail   what it means and what to do
 * @param exitCode the command's exit status
 */
public record Verdict(String kind, String detail, int exitCode) {

    /** Exit status: the GPU runs trials correctly. */
    public static final int USABLE = 0;
    /** Exit status: ND4J's CUDA backend does not (yet) work on this node. */
    public static final int NOT_USABLE = 1;
    /** Exit status: ND4J runs on the CPU; no GPU is used. */
    public static final int CPU = 3;

    /** The {@code verdict=} value: keyword and sentence. */
    public String line() {
        return kind + " " + detail;
    }

    /**
     * Judges what ND4J reported and how the smoke trial went.
     *
     * @param info   the backend and devices
     * @param device the device the trial was bound to
     * @param run    the trial's outcome (ignored when the backend did not load)
     */
    public static Verdict judge(BackendInfo info, int device, SmokeRun run) {
        ComputeCapability newest = ComputeCapability.ND4J_CUDA_NEWEST;
        if (info.loadError() != null) {
            return new Verdict("backend-failed", "(ND4J's " + info.backend() + " backend did not load: "
                    + info.loadError() + "; the CUDA jar needs its natives (mvn -Pcuda without -Dcuda.natives=false, "
                    + "or on the classpath), an NVIDIA driver and the CUDA 11.x and cuDNN 8 libraries)", NOT_USABLE);
        }
        if (!info.cuda()) {
            return new Verdict("cpu-backend", "(this jar/node runs ND4J on " + info.backend()
                    + ": no GPU is used; build the GPU jar with mvn -B -Pcuda -DskipTests package and run "
                    + "submit/gpu-smoke.sh with jobs/target/mixfarm-cuda.jar)", CPU);
        }
        GpuDevice gpu = info.device(device).orElse(null);
        if (gpu == null) {
            return new Verdict("no-gpu", "(ND4J's CUDA backend loaded but sees no device " + device + " among "
                    + info.devices().size() + "; check nvidia-smi and CUDA_VISIBLE_DEVICES)", NOT_USABLE);
        }
        ComputeCapability cc = gpu.capability();
        boolean compiled = cc.runsCompiledKernelsUpTo(newest);
        String arch = cc.sm() + ": nd4j-cuda-11.6 has kernels up to " + newest.sm();
        if (!run.completed()) {
            if (!compiled) {
                return new Verdict("unsupported-arch", arch + ", and the trial FAILED, so no JIT (PTX) fallback "
                        + "works here: " + run.error() + "; use GPUs of sm_86 or older (V100 sm_70, T4 sm_75, "
                        + "A100 sm_80, A10/A40 sm_86; sm_89 runs sm_86 code) for this build", NOT_USABLE);
            }
            return new Verdict("cuda-error", "(" + cc.sm() + " is supported, but the trial failed: " + run.error()
                    + ")", NOT_USABLE);
        }
        if (!run.learned()) {
            return new Verdict("wrong-results", "(" + cc.sm() + (compiled ? "" : " through JIT-compiled PTX")
                    + ": the trial ran but its numbers are wrong: train loss " + run.trainLoss() + ", test error "
                    + run.testError() + "; do not farm on this node)", NOT_USABLE);
        }
        if (!compiled) {
            return new Verdict("ok-jit", arch + ", yet the trial ran and learned: the driver JIT-compiled the "
                    + "library's PTX for " + cc.sm() + " (the first start of every JVM pays for it unless CUDA's "
                    + "JIT cache holds it: keep CUDA_CACHE_MAXSIZE large and CUDA_CACHE_PATH on a local disk)",
                    USABLE);
        }
        return new Verdict("ok", "(" + gpu.name() + ", " + cc.sm() + ": ND4J's CUDA backend trains correctly "
                + "on this node)", USABLE);
    }
}
