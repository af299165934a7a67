package io.mixfarm.analysis.mixing;

import io.mixfarm.analysis.tv.Design;
import io.mixfarm.analysis.tv.PairedTv;
import io.mixfarm.analysis.tv.PredictionMatrix;
import io.mixfarm.analysis.tv.SyntheticPredictions;
import io.mixfarm.analysis.tv.TotalVariation;
import io.mixfarm.analysis.tv.TvEstimator;
import io.mixfarm.analysis.tv.TvSummaryRow;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The mixing study's calibration benchmark (not a test: minutes of CPU; {@code submit/bench-tv --mixing} runs
 * it), printing the Markdown tables of docs/intervals.md, "Paired design" and "Mixing time":
 * <ol>
 *   <li>the paired and the whole-trial null on paired data under the null: share of p-values at or below 0.05
 *       and 0.01, and the KS distance from uniform;</li>
 *   <li>the coverage of the paired and the unpaired interval on paired data;</li>
 *   <li>{@link TvClock}'s {@code T_mix} against the corrected TV's fall under 10% of its peak and "the first time
 *       p > 0.05" on known exponential relaxations at 20, 100 and 500 pairs, and the coverage of its bootstrap
 *       interval;</li>
 *   <li>the norm clock, the relaxation rate and both scaling laws on simulated SGD norms.</li>
 * </ol>
 * Usage: {@code MixingBenchmark [replications=1000] [curves=100] [intervals=40] [resamples=100]
 * [population=10000] [norm-pairs=64] [parts=all|norms]}: {@code population} simulated pairs give the norm section's
 * truths (their means' noise must be negligible against a study's), whose studies have {@code norm-pairs} pairs;
 * {@code parts=norms} runs that last section alone.
 */
public final class MixingBenchmark {

    private static final int PAIRS = 200;
    private static final int PERMUTATIONS = 200;
    private static final double[] SHARED = {0.5, 0.9};
    private static final double TAU = 100;
    private static final double[] STEPS = KnownRelaxation.steps(20, 600);
    private static final KnownRelaxation CURVES = new KnownRelaxation(100, 10, 0.15, 0.5);
    private static final double[] LAMBDAS = {0.04, 0.02, 0.01, 0.005};

    private MixingBenchmark() {
    }

    public static void main(String[] args) {
        Map<String, String> settings = new LinkedHashMap<>(Map.of("replications", "1000", "curves", "100",
                "intervals", "40", "resamples", "100", "population", "10000", "norm-pairs", "64", "parts", "all"));
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            if (kv.length != 2 || !settings.containsKey(kv[0])) {
                throw new IllegalArgumentException("unknown setting " + arg + ", expected one of " + settings.keySet());
            }
            settings.put(kv[0], kv[1]);
        }
        String parts = settings.get("parts");
        if (!parts.equals("all") && !parts.equals("norms")) {
            throw new IllegalArgumentException("parts must be all or norms, got " + parts);
        }
        System.out.println("settings: " + settings);
        long start = System.nanoTime();
        if (parts.equals("all")) {
            nulls(Integer.parseInt(settings.get("replications")));
            intervals(Integer.parseInt(settings.get("replications")) / 2);
            clocks(Integer.parseInt(settings.get("curves")));
            tmixIntervals(Integer.parseInt(settings.get("intervals")), Integer.parseInt(settings.get("resamples")));
        }
        norms(Integer.parseInt(settings.get("curves")), Integer.parseInt(settings.get("resamples")),
                Integer.parseInt(settings.get("population")), Integer.parseInt(settings.get("norm-pairs")));
        System.out.printf(Locale.ROOT, "%nwall %.0f s%n", (System.nanoTime() - start) / 1e9);
    }

    /** Per-image distributions of the calibration: Dirichlet(1/5) over 10 classes, 100 images. */
    private static double[][] base(long seed) {
        return SyntheticPredictions.dirichlet(100, 10, KnownRelaxation.SHARPNESS, seed);
    }

    private static void nulls(int replications) {
        System.out.printf(Locale.ROOT, "%n### Null calibration: %d replications of %d pairs, %d permutations%n%n",
                replications, PAIRS, PERMUTATIONS);
        System.out.println("| null | within-pair share | p <= 0.05 | p <= 0.01 | KS |");
        System.out.println("|---|---:|---:|---:|---:|");
        double[][] p = base(1);
        for (double shared : SHARED) {
            for (Design design : Design.values()) {
                TvEstimator estimator = new TvEstimator(7, 0, PERMUTATIONS);
                double[] values = IntStream.range(0, replications).parallel().mapToDouble(r -> {
                    PredictionMatrix[] m = SyntheticPredictions.drawPairs(p, p, PAIRS, shared, 10_000 + r);
                    return estimator.estimate(r, "P", "R", m[0], m[1], 0, design).pValue();
                }).toArray();
                System.out.printf(Locale.ROOT, "| %s | %.1f | %.3f | %.3f | %.3f |%n",
                        design == Design.PAIRED ? "paired (within-pair swaps)" : "unpaired (whole-trial relabelling)",
                        shared, share(values, 10.0 / (PERMUTATIONS + 1)), share(values, 2.0 / (PERMUTATIONS + 1)),
                        ks(values));
            }
        }
        System.out.printf(Locale.ROOT, "%nExpected under a uniform null: %.4f and %.4f (the attainable levels"
                + " 10/201 and 2/201); binomial sd %.4f and %.4f; KS 1%% critical value %.3f.%n",
                10.0 / (PERMUTATIONS + 1), 2.0 / (PERMUTATIONS + 1), sd(10.0 / (PERMUTATIONS + 1), replications),
                sd(2.0 / (PERMUTATIONS + 1), replications), 1.63 / Math.sqrt(replications));
    }

    private static void intervals(int replications) {
        System.out.printf(Locale.ROOT, "%n### Interval coverage on paired data: %d replications of %d pairs%n%n",
                replications, PAIRS);
        System.out.println("| true TV | within-pair share | paired: coverage (below/above) | paired: mean width "
                + "| unpaired: coverage (below/above) | unpaired: mean width |");
        System.out.println("|---:|---:|---:|---:|---:|---:|");
        double[][] p = base(2);
        double[][] other = base(3);
        for (double weight : new double[] {0, 0.2}) {
            double[][] q = SyntheticPredictions.mixture(p, other, weight);
            double truth = TotalVariation.ofDistributions(p, q);
            for (double shared : SHARED) {
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "| %.4f | %.1f ", truth, shared));
                for (Design design : new Design[] {Design.PAIRED, Design.UNPAIRED}) {
                    TvEstimator estimator = new TvEstimator(7, 0, 0);
                    TvSummaryRow[] rows = IntStream.range(0, replications).parallel().mapToObj(r -> {
                        PredictionMatrix[] m = SyntheticPredictions.drawPairs(p, q, PAIRS, shared, 20_000 + r);
                        return estimator.estimate(r, "P", "R", m[0], m[1], 0, design);
                    }).toArray(TvSummaryRow[]::new);
                    long below = Arrays.stream(rows).filter(row -> row.ciHigh() < truth).count();
                    long above = Arrays.stream(rows).filter(row -> row.ciLow() > truth).count();
                    double width = Arrays.stream(rows).mapToDouble(row -> row.ciHigh() - row.ciLow()).average()
                            .orElse(Double.NaN);
                    line.append(String.format(Locale.ROOT, "| %.1f (%d/%d) | %.4f ",
                            100.0 * (replications - below - above) / replications, below, above, width));
                }
                System.out.println(line.append('|'));
            }
        }
    }

    private static void clocks(int curves) {
        double truth = KnownRelaxation.trueTmix(TAU);
        System.out.printf(Locale.ROOT, "%n### T_mix on known relaxations: TV 0.15 exp(-t/%.0f), record every %.0f steps"
                + " to %.0f, %d images, within-pair share %.1f, %d curves per n, %d permutations%n%n", TAU,
                STEPS[1], STEPS[STEPS.length - 1], CURVES.images(), CURVES.shared(), curves, PERMUTATIONS / 2);
        System.out.printf(Locale.ROOT, "True T_mix = %.0f ln 10 = %.1f steps.%n%n", TAU, truth);
        System.out.println("| pairs | T_mix (ours): mean | sd | unsettled | corrected TV under 10% of peak: mean | sd "
                + "| unsettled | first p > 0.05: mean | sd | never |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (int pairs : new int[] {20, 100, 500}) {
            TvEstimator estimator = new TvEstimator(9, 0, PERMUTATIONS / 2);
            double[][] all = IntStream.range(0, curves).parallel().mapToObj(c -> {
                List<List<PredictionMatrix>> m = CURVES.predictions(STEPS, TAU, pairs, 30_000 + c);
                double[] corrected = new double[STEPS.length];
                double[] distance = new double[STEPS.length];
                double firstP = Double.NaN;
                for (int j = 0; j < STEPS.length; j++) {
                    TvSummaryRow row = estimator.estimate(j, "P", "R", m.get(0).get(j), m.get(1).get(j), 0,
                            Design.PAIRED);
                    corrected[j] = row.correctedTv();
                    distance[j] = PairedTv.of(m.get(0).get(j), m.get(1).get(j))
                            .squaredDistance(PairedTv.identity(pairs));
                    if (Double.isNaN(firstP) && row.pValue() > 0.05) {
                        firstP = STEPS[j];
                    }
                }
                return new double[] {TvClock.crossing(STEPS, distance), correctedCrossing(corrected), firstP};
            }).toArray(double[][]::new);
            StringBuilder line = new StringBuilder("| " + pairs + " ");
            for (int k = 0; k < 3; k++) {
                int column = k;
                double[] v = Arrays.stream(all).mapToDouble(x -> x[column]).toArray();
                line.append(String.format(Locale.ROOT, "| %.1f | %.1f | %d ", mean(v), sdOf(v), nans(v)));
            }
            System.out.println(line.append('|'));
        }
    }

    /** The issue's first suggestion: after the peak, the time the corrected TV falls under 10% of it and stays. */
    private static double correctedCrossing(double[] corrected) {
        int peak = 0;
        for (int j = 1; j < corrected.length; j++) {
            if (corrected[j] > corrected[peak]) {
                peak = j;
            }
        }
        return corrected[peak] > 0 ? Settling.time(STEPS, corrected, TvClock.FRACTION * corrected[peak], peak)
                : Double.NaN;
    }

    private static void tmixIntervals(int curves, int resamples) {
        double truth = KnownRelaxation.trueTmix(TAU);
        System.out.printf(Locale.ROOT, "%n### T_mix bootstrap interval: %d curves per n, %d resamples of pairs%n%n",
                curves, resamples);
        System.out.println("| pairs | coverage of the true T_mix | below / above | mean width | mean unsettled resamples |");
        System.out.println("|---:|---:|---:|---:|---:|");
        for (int pairs : new int[] {20, 100, 500}) {
            BootstrapEstimate[] estimates = IntStream.range(0, curves).mapToObj(c -> {
                List<List<PredictionMatrix>> m = CURVES.predictions(STEPS, TAU, pairs, 40_000 + c);
                return TvClock.estimate(STEPS, m.get(0), m.get(1), resamples, c);
            }).toArray(BootstrapEstimate[]::new);
            long below = Arrays.stream(estimates).filter(e -> e.high() < truth).count();
            long above = Arrays.stream(estimates).filter(e -> e.low() > truth).count();
            System.out.printf(Locale.ROOT, "| %d | %.1f%% | %d / %d | %.1f | %.1f |%n", pairs,
                    100.0 * (curves - below - above) / curves, below, above,
                    Arrays.stream(estimates).mapToDouble(e -> e.high() - e.low()).average().orElse(Double.NaN),
                    Arrays.stream(estimates).mapToInt(BootstrapEstimate::unsettled).average().orElse(Double.NaN));
        }
    }

    private static void norms(int studies, int resamples, int population, int pairs) {
        System.out.printf(Locale.ROOT, "%n### Norm clock, relaxation rate and scaling law on simulated SGD norms: %d"
                + " studies of %d pairs, lambda_e %s, record every 1/(4 lambda_e) steps to 8/lambda_e, %d resamples;"
                + " truths from the means of %d simulated pairs at every step%n%n", studies, pairs,
                Arrays.toString(LAMBDAS), resamples, population);
        System.out.println("| lambda_e | true norm clock | at the record points | mean | sd | interval covers it "
                + "| covers the record points' | eq. (12)'s time "
                + "| true rate / 4 lambda_e | mean | sd | bootstrap sd / sd | interval covers it | covers the mean |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        BootstrapEstimate[][] clocks = new BootstrapEstimate[studies][LAMBDAS.length];
        double[] trueClocks = new double[LAMBDAS.length];
        double[] gridClocks = new double[LAMBDAS.length];
        for (int i = 0; i < LAMBDAS.length; i++) {
            double lambdaE = LAMBDAS[i];
            int every = (int) Math.max(1, Math.round(0.25 / lambdaE));
            double[] steps = KnownRelaxation.steps(every, (int) Math.round(8 / lambdaE));
            double[] truth = truths(lambdaE, steps, population, 90_000L + i);
            trueClocks[i] = truth[0];
            gridClocks[i] = truth[2];
            double predicted = Relaxation.predicted(lambdaE);
            double[] times = new double[studies];
            double[] ratios = new double[studies];
            BootstrapEstimate[] rates = new BootstrapEstimate[studies];
            int study = i;
            IntStream.range(0, studies).parallel().forEach(s -> {
                double[][][] lr = KnownRelaxation.effectiveLrs(steps, lambdaE, pairs, 50_000L * (study + 1) + s);
                // Each LR's resamples from their own seed, independent across LRs as the job's are.
                long seed = (long) s * LAMBDAS.length + study;
                clocks[s][study] = NormClock.estimate(steps, lr[0], lr[1], resamples, seed);
                times[s] = clocks[s][study].value();
                rates[s] = Relaxation.estimate(steps, lr[0], lr[1], resamples, seed);
                ratios[s] = rates[s].value() / predicted;
            });
            double theory = Math.log(99 / (1 / (0.95 * 0.95) - 1)) / (4 * lambdaE);
            double bootstrapSd = Arrays.stream(rates).mapToDouble(MixingBenchmark::sdOf).average().orElse(Double.NaN);
            System.out.printf(Locale.ROOT, "| %.3f | %.1f | %.1f | %.1f | %.1f | %d%% | %d%% | %.1f | %.4f | %.4f "
                    + "| %.4f | %.2f | %d%% | %d%% |%n", lambdaE, truth[0], truth[2], mean(times), sdOf(times),
                    covered(clocks, study, truth[0]), covered(clocks, study, truth[2]), theory, truth[1] / predicted, mean(ratios), sdOf(ratios),
                    bootstrapSd / (sdOf(ratios) * predicted), covered(rates, truth[1]),
                    covered(rates, mean(ratios) * predicted));
        }
        double[] x = Arrays.stream(LAMBDAS).map(l -> Math.log(1 / l)).toArray();
        double trueSlope = ScalingFit.line(x, trueClocks)[1];
        ScalingFit.Law[] laws = new ScalingFit.Law[studies];
        double[] slopes = new double[studies];
        for (int s = 0; s < studies; s++) {
            laws[s] = ScalingFit.fit(LAMBDAS, clocks[s]);
            slopes[s] = laws[s].slope();
        }
        long covered = Arrays.stream(laws).filter(l -> l.slopeLow() <= trueSlope && trueSlope <= l.slopeHigh())
                .count();
        long coveredOne = Arrays.stream(laws).filter(l -> l.slopeLow() <= 1 && 1 <= l.slopeHigh()).count();
        System.out.printf(Locale.ROOT, "%nNorm-clock slope b: true %.4f (%.4f at the record points); estimates mean"
                + " %.4f, sd %.4f; a study's interval covered the true slope in %d and 1 in %d of %d studies.%n",
                trueSlope, ScalingFit.line(x, gridClocks)[1], mean(slopes), sdOf(slopes), covered, coveredOne,
                studies);
    }

    /**
     * The estimands of one intrinsic LR on the population curves ({@link KnownRelaxation#populationCurves}):
     * {@code {norm clock, relaxation rate, norm clock read at the record points}}. The norm clock is its definition
     * read at every step (the population reference's level is its mean over the steps, as the estimator takes it);
     * read at the record points only, it shows what linear interpolation between them costs. The rate is
     * {@link Relaxation}'s fit at the study's record steps, which is what that estimator estimates.
     */
    private static double[] truths(double lambdaE, double[] steps, int population, long seed) {
        double[] everyStep = KnownRelaxation.steps(1, (int) steps[steps.length - 1]);
        double[][] curves = KnownRelaxation.populationCurves(everyStep, lambdaE, population, seed);
        double clock = NormClock.crossing(everyStep, curves[0], mean(curves[1]));
        double[] lr = Arrays.stream(steps).map(t -> curves[0][(int) t]).toArray();
        double gridClock = NormClock.crossing(steps, lr, mean(curves[1]));
        double[] gamma = Arrays.stream(steps).map(t -> curves[2][(int) t]).toArray();
        double rate = Relaxation.rate(steps, gamma, mean(curves[3]));
        return new double[] {clock, rate, gridClock};
    }

    /** Percentage of the estimates whose interval contains {@code truth}. */
    private static long covered(BootstrapEstimate[] estimates, double truth) {
        return Math.round(100.0 * Arrays.stream(estimates).filter(e -> e.low() <= truth && truth <= e.high()).count()
                / estimates.length);
    }

    private static long covered(BootstrapEstimate[][] estimates, int column, double truth) {
        return covered(Arrays.stream(estimates).map(row -> row[column]).toArray(BootstrapEstimate[]::new), truth);
    }

    /** The sd of an estimate's bootstrap replicates. */
    private static double sdOf(BootstrapEstimate e) {
        return sdOf(IntStream.range(0, e.resamples()).mapToDouble(e::replicate).toArray());
    }

    private static double share(double[] p, double level) {
        return Arrays.stream(p).filter(v -> v <= level + 1e-12).count() / (double) p.length;
    }

    private static double ks(double[] p) {
        double d = 0;
        for (int k = 1; k <= PERMUTATIONS + 1; k++) {
            double level = k / (PERMUTATIONS + 1.0);
            d = Math.max(d, Math.abs(share(p, level) - level));
        }
        return d;
    }

    private static double sd(double level, int n) {
        return Math.sqrt(level * (1 - level) / n);
    }

    private static double mean(double[] v) {
        return Arrays.stream(v).filter(x -> !Double.isNaN(x)).average().orElse(Double.NaN);
    }

    private static double sdOf(double[] v) {
        double[] finite = Arrays.stream(v).filter(x -> !Double.isNaN(x)).toArray();
        double m = mean(finite);
        return Math.sqrt(Arrays.stream(finite).map(x -> (x - m) * (x - m)).sum() / (finite.length - 1));
    }

    private static int nans(double[] v) {
        return (int) Arrays.stream(v).filter(Double::isNaN).count();
    }
}
