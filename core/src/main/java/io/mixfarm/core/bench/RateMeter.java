package io.mixfarm.core.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Times a workload in images per second, the same way for every engine: untimed warm-up steps first (oneDNN creates
 * its primitives, workspaces and allocators settle, the JIT compiles the Java side), then {@code repeats} runs of
 * {@code steps} timed steps, one rate per run.
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

    /** Images per second of each timed run, after {@code warmup} untimed steps. */
    public static Samples measure(Workload workload, int warmup, int steps, int repeats) {
        if (warmup < 0 || steps < 1 || repeats < 1) {
            throw new IllegalArgumentException("need warmup >= 0, steps >= 1, repeats >= 1; got " + warmup + ", "
                    + steps + ", " + repeats);
        }
        int step = 0;
        for (; step < warmup; step++) {
            workload.run(step);
        }
        List<Double> rates = new ArrayList<>(repeats);
        for (int r = 0; r < repeats; r++) {
            long images = 0;
            long start = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                images += workload.run(step++);
            }
            rates.add(images / ((System.nanoTime() - start) / 1e9));
        }
        return new Samples(rates);
    }
}
