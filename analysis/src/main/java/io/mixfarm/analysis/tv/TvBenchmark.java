package io.mixfarm.analysis.tv;

import java.util.List;
import java.util.Locale;

/**
 * Times {@link TvEstimator} on synthetic predictions the size of the MNIST experiment, and prints
 * {@code key=value} lines, {@code tv_estimate_seconds} first.
 *
 * <p>Usage: {@code java -cp mixfarm-analysis.jar io.mixfarm.analysis.tv.TvBenchmark [trials [images
 * [permutations [sharpness]]]]}, defaults 500, 10000, 200, 20. It lives in the main jar, not
 * in the tests, so it can run on the machine that will run the analysis (run it there pinned to that machine's
 * core count, e.g. {@code taskset -c 0,1}).
 *
 * <p>The workload is the experiment's: 3 schedules (two drawn from one distribution, one from a mixture at a
 * known TV, like the negative control) at 2 record epochs, so 6 {@link TvEstimator#estimate} calls of 10
 * classes. {@code tv_estimate_seconds} is their mean wall time, the first (cold JIT) included; the
 * {@code diffuse} line repeats one call at sharpness 1 (most predictions off the majority class, the slow
 * case); {@code tv_against_n_seconds} times one pair's {@link TvEstimator#againstN} over
 * {@link TvEstimator#defaultNs} with 50 random subsets per n.
 */
public final class TvBenchmark {

    private static final int CLASSES = 10;
    private static final long SEED = 20_201_106L;

    private TvBenchmark() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args optional trials, images, permutations, sharpness
     */
    public static void main(String[] args) {
        int trials = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int images = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int permutations = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        double sharpness = args.length > 3 ? Double.parseDouble(args[3]) : 20;
        TvEstimator estimator = new TvEstimator(SEED, 50, permutations);

        double total = 0;
        TvSummaryRow last = null;
        long minority = 0;
        for (int epoch = 0; epoch < 2; epoch++) {
            PredictionMatrix[] schedules = schedules(trials, images, sharpness, SEED + epoch);
            minority = PooledPredictions.of(schedules[0], schedules[1]).minorityEntries();
            for (int a = 0; a < 3; a++) {
                for (int b = a + 1; b < 3; b++) {
                    long start = System.nanoTime();
                    last = estimator.estimate(epoch, "s" + a, "s" + b, schedules[a], schedules[b], 0.0);
                    total += (System.nanoTime() - start) / 1e9;
                }
            }
        }
        print("tv_estimate_seconds", total / 6);
        print("tv_estimate_total_seconds", total);
        print("minority_fraction", minority / (2.0 * trials * images));
        System.out.println("last_row=" + last);

        PredictionMatrix[] diffuse = schedules(trials, images, 1, SEED);
        long start = System.nanoTime();
        estimator.estimate(0, "s0", "s1", diffuse[0], diffuse[1], 0.0);
        print("tv_estimate_seconds_diffuse", (System.nanoTime() - start) / 1e9);
        print("minority_fraction_diffuse",
                PooledPredictions.of(diffuse[0], diffuse[1]).minorityEntries() / (2.0 * trials * images));

        PredictionMatrix[] sharp = schedules(trials, images, sharpness, SEED);
        start = System.nanoTime();
        List<TvSummaryRow> curve = estimator.againstN(0, "s0", "s2", sharp[0], sharp[2],
                TvEstimator.defaultNs(trials), 0.0);
        print("tv_against_n_seconds", (System.nanoTime() - start) / 1e9);
        System.out.println("against_n_rows=" + curve.size());
        print("threads", Runtime.getRuntime().availableProcessors());
    }

    /** Two schedules from one distribution and a third at TV 0.05 from it. */
    private static PredictionMatrix[] schedules(int trials, int images, double sharpness, long seed) {
        double[][] p = SyntheticPredictions.dirichlet(images, CLASSES, sharpness, seed);
        double[][] q = SyntheticPredictions.dirichlet(images, CLASSES, sharpness, seed + 1_000);
        double[][] control = SyntheticPredictions.mixture(p, q, 0.1);
        return new PredictionMatrix[] {
            SyntheticPredictions.draw(p, trials, seed * 3),
            SyntheticPredictions.draw(p, trials, seed * 3 + 1),
            SyntheticPredictions.draw(control, trials, seed * 3 + 2),
        };
    }

    private static void print(String key, double value) {
        System.out.println(key + "=" + String.format(Locale.ROOT, "%.4f", value));
    }
}
