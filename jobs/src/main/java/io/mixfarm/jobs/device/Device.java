package io.mixfarm.jobs.device;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a trial runs: a GPU Spark assigned to its task, or the CPU with a pinned thread count.
 *
 * @param kind    "cuda" or "cpu"
 * @param index   the GPU's device index (-1 on the CPU)
 * @param threads OpenMP threads of the trial on the CPU (0 on a GPU)
 */
public record Device(String kind, int index, int threads) {

    private static final Pattern CPU_LABEL = Pattern.compile("cpu:(\\d{1,9})-threads");
    private static final Pattern GPU_LABEL = Pattern.compile("cuda:(\\d{1,9})");

    /** The CPU with this many threads. */
    public static Device cpu(int threads) {
        return new Device("cpu", -1, threads);
    }

    /** GPU number {@code index}. */
    public static Device gpu(int index) {
        return new Device("cuda", index, 0);
    }

    /** Parses {@link #label()}, e.g. a trial row's {@code device}; an {@link IllegalArgumentException} otherwise. */
    public static Device parse(String label) {
        Matcher cpu = CPU_LABEL.matcher(label);
        if (cpu.matches()) {
            return cpu(Integer.parseInt(cpu.group(1)));
        }
        Matcher gpu = GPU_LABEL.matcher(label);
        if (gpu.matches()) {
            return gpu(Integer.parseInt(gpu.group(1)));
        }
        throw new IllegalArgumentException("a device reads cpu:N-threads or cuda:N, got \"" + label + "\"");
    }

    /** Whether this is the CPU. */
    public boolean isCpu() {
        return kind.equals("cpu");
    }

    /** Short form for outputs, e.g. {@code cpu:1-threads} or {@code cuda:1}. */
    public String label() {
        return isCpu() ? "cpu:" + threads + "-threads" : "cuda:" + index;
    }
}
