package io.mixfarm.jobs.farm;

/**
 * Where a trial runs: a GPU Spark assigned to its task, or the CPU with a pinned thread count.
 *
 * @param kind    "cuda" or "cpu"
 * @param index   the GPU's device index (-1 on the CPU)
 * @param threads OpenMP threads of the trial on the CPU (0 on a GPU)
 */
public record Device(String kind, int index, int threads) {

    /** The CPU with this many threads. */
    public static Device cpu(int threads) {
        return new Device("cpu", -1, threads);
    }

    /** GPU number {@code index}. */
    public static Device gpu(int index) {
        return new Device("cuda", index, 0);
    }

    /** Short form for outputs, e.g. {@code cpu:1-threads} or {@code cuda:1}. */
    public String label() {
        return kind.equals("cpu") ? "cpu:" + threads + "-threads" : "cuda:" + index;
    }
}
