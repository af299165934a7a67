package io.mixfarm.core.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Times a workload in images per second, the same way for every engine: untimed warm-up steps first (oneDNN creates
 * its primitives, workspaces and allocators settle, the JIT compiles the Java side), then {@code repeats} runs of
 * {@code steps} timed steps, one rate per run, per second of wall time and per second of the process's CPU time.
 *
 * <p>Why CPU time too: on cores shared with other work the wall-time rate says how much CPU the process got as much
 * as how fast it is; images per CPU-second is what its threads did while they ran (for one thread, close to the rate
 * on an idle core; for N threads, N times it bounds the idle-machine rate from above, OpenMP's waiting threads
 * spinning on CPU).
 */
public final class RateMeter {

    /** One step of work, e.g. an SGD step on a minibatch or a prediction pass over the test set. */
    @FunctionalInterface
    public interface Workload {
        /**
         * Runs step number {@code step} (counted from 0 across warm-up and timed steps) and returns the images it
         * processed.
         */
        int run(int step);
    }

    private RateMeter() {
    }

    /**
     * Images per second of each timed run, after {@code warmup} untimed steps.
     *
     * @param wall images per second of wall time, one per repeat
     * @param cpu  images per second of the process's CPU time (all its threads), one per repeat
     */
    public record Rates(Samples wall, Samples cpu) {

        /** These rates followed by {@code other}'s, e.g. another round of the same measurement. */
        public Rates concat(Rates other) {
            return new Rates(wall.concat(other.wall), cpu.concat(other.cpu));
        }
    }

    /** Times {@code repeats} runs of {@code steps} steps after {@code warmup} untimed ones. */
    public static Rates measure(Workload workload, int warmup, int steps, int repeats) {
        if (warmup < 0 || steps < 1 || repeats < 1) {
            throw new IllegalArgumentException("need warmup >= 0, steps >= 1, repeats >= 1; got " + warmup + ", "
                    + steps + ", " + repeats);
        }
        int step = 0;
        for (; step < warmup; step++) {
            workload.run(step);
        }
        List<Double> wall = new ArrayList<>(repeats);
        List<Double> cpu = new ArrayList<>(repeats);
        for (int r = 0; r < repeats; r++) {
            long images = 0;
            long cpuStart = processCpuNanos();
            long start = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                images += workload.run(step++);
            }
            long end = System.nanoTime();
            wall.add(images / ((end - start) / 1e9));
            cpu.add(images / (Math.max(1, processCpuNanos() - cpuStart) / 1e9));
        }
        return new Rates(new Samples(wall), new Samples(cpu));
    }

    /** CPU time of all this process's threads, native ones included. */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
