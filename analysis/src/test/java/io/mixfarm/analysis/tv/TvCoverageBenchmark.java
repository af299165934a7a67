package io.mixfarm.analysis.tv;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The coverage benchmark of the TV job's confidence intervals (not a test: minutes of CPU; {@code submit/bench-tv
 * --coverage} runs it). For each regime, two schedules with KNOWN per-image class distributions, so the true mean
 * TV is known exactly; each replication draws n trials of each, computes every candidate interval
 * ({@link IntervalCandidates}, the job's own {@link TvBracket} among them) and checks whether it covers the
 * truth. Prints a Markdown table of coverage (and of misses below and above) and one of mean widths, as
 * {@code docs/intervals.md} shows them.
 *
 * <p>Usage: {@code TvCoverageBenchmark [replications=500] [n=50,500] [bootstraps=1000] [permutations=200]
 * [regimes=sharp,diffuse,sample-mixed,sample-apart]}.
 */
public final class TvCoverageBenchmark {

    private static final int CLASSES = 10;
    private static final long SEED = 20_261_206L;

    private TvCoverageBenchmark() {
    }

    /** Where predictions are sharp or diffuse and the true TV small, large or zero. */
    enum Regime {
        /** Dirichlet(1/20) per image (most images almost sure of one class); b 10% of the way to another. */
        SHARP("sharp", 1_000),
        /** Dirichlet(1) per image (uniform on the simplex); b half way to another draw. */
        DIFFUSE("diffuse", 250),
        /** Both schedules at the embedded sample's pooled per-image distributions: true TV 0 (mixed). */
        SAMPLE_MIXED("sample-mixed", SampleDistributions.IMAGES),
        /** The sample's Const against its WD-decay, each shrunk half way to the pooled distribution. */
        SAMPLE_APART("sample-apart", SampleDistributions.IMAGES);

        final String label;
        final int images;

        Regime(String label, int images) {
            this.label = label;
            this.images = images;
        }

        static Regime of(String label) {
            return Arrays.stream(values()).filter(r -> r.label.equals(label)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown regime " + label + ", expected one of "
                            + Arrays.stream(values()).map(r -> r.label).toList()));
        }

        /** {@code {p_a, p_b}}: each schedule's per-image class distributions. */
        double[][][] distributions() {
            return switch (this) {
                case SHARP -> apart(20, 0.1);
                case DIFFUSE -> apart(1, 0.5);
                case SAMPLE_MIXED -> {
                    double[][] pooled = SampleDistributions.load().pooled();
                    yield new double[][][] {pooled, pooled};
                }
                case SAMPLE_APART -> {
                    SampleDistributions sample = SampleDistributions.load();
                    yield new double[][][] {sample.shrunk("Const"), sample.shrunk("WD-decay")};
                }
            };
        }

        private double[][][] apart(double sharpness, double weight) {
            double[][] p = SyntheticPredictions.dirichlet(images, CLASSES, sharpness, SEED + ordinal());
            double[][] other = SyntheticPredictions.dirichlet(images, CLASSES, sharpness, SEED + 100 + ordinal());
            return new double[][][] {p, SyntheticPredictions.mixture(p, other, weight)};
        }
    }

    /** Coverage counts of one regime and n, per candidate. */
    record Cell(Regime regime, int n, double truth, double meanTv, Map<String, int[]> misses,
                Map<String, Double> widths, int replications, double seconds) {
    }

    /**
     * Runs the benchmark and prints its tables.
     *
     * @param args {@code key=value} settings, see the class comment
     */
    public static void main(String[] args) {
        Map<String, String> settings = new LinkedHashMap<>(Map.of("replications", "500", "n", "50,500",
                "bootstraps", "1000", "permutations", "200", "regimes", "sharp,diffuse,sample-mixed,sample-apart"));
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            if (kv.length != 2 || !settings.containsKey(kv[0])) {
                throw new IllegalArgumentException("expected key=value with key in " + settings.keySet() + ", got "
                        + arg);
            }
            settings.put(kv[0], kv[1]);
        }
        int replications = Integer.parseInt(settings.get("replications"));
        int bootstraps = Integer.parseInt(settings.get("bootstraps"));
        int permutations = Integer.parseInt(settings.get("permutations"));
        int[] ns = Arrays.stream(settings.get("n").split(",")).mapToInt(Integer::parseInt).toArray();
        List<Cell> cells = new ArrayList<>();
        long start = System.nanoTime();
        for (String label : settings.get("regimes").split(",")) {
            Regime regime = Regime.of(label);
            for (int n : ns) {
                cells.add(run(regime, n, replications, bootstraps, permutations));
                System.err.printf(Locale.ROOT, "%s n=%d done, %.0f s%n", label, n, cells.get(cells.size() - 1).seconds);
            }
        }
        print(System.out, cells, settings, (System.nanoTime() - start) / 1e9);
    }

    /** {@code replications} draws of n trials per schedule in one regime. */
    static Cell run(Regime regime, int n, int replications, int bootstraps, int permutations) {
        long start = System.nanoTime();
        double[][][] pq = regime.distributions();
        double truth = TotalVariation.ofDistributions(pq[0], pq[1]);
        TvEstimator estimator = new TvEstimator(SEED, 0, permutations);
        List<Map<String, IntervalCandidates.Interval>> results = IntStream.range(0, replications).parallel()
                .mapToObj(r -> {
                    long seed = TaskSeeds.mix(SEED ^ TaskSeeds.mix(regime.ordinal() * 1_000_003L + n) ^ r);
                    PredictionMatrix a = SyntheticPredictions.draw(pq[0], n, seed);
                    PredictionMatrix b = SyntheticPredictions.draw(pq[1], n, seed + 1);
                    TvSummaryRow row = estimator.estimate(r, "a", "b", a, b, 0);
                    Map<String, IntervalCandidates.Interval> out = new LinkedHashMap<>();
                    out.put("tv", new IntervalCandidates.Interval(row.tv(), row.tv()));
                    out.putAll(IntervalCandidates.all(PooledPredictions.of(a, b), row.nullMean(), bootstraps,
                            seed + 2));
                    out.put("job", new IntervalCandidates.Interval(row.ciLow(), row.ciHigh()));
                    return out;
                }).toList();
        Map<String, int[]> misses = new LinkedHashMap<>();
        Map<String, Double> widths = new LinkedHashMap<>();
        double meanTv = 0;
        for (Map<String, IntervalCandidates.Interval> result : results) {
            for (Map.Entry<String, IntervalCandidates.Interval> e : result.entrySet()) {
                if (e.getKey().equals("tv")) {
                    meanTv += e.getValue().low() / replications;
                    continue;
                }
                int[] m = misses.computeIfAbsent(e.getKey(), k -> new int[2]);
                IntervalCandidates.Interval interval = e.getValue();
                m[0] += interval.high() < truth ? 1 : 0;
                m[1] += interval.low() > truth ? 1 : 0;
                widths.merge(e.getKey(), interval.width() / replications, Double::sum);
            }
        }
        return new Cell(regime, n, truth, meanTv, misses, widths, replications, (System.nanoTime() - start) / 1e9);
    }

    /** The coverage and width tables, in Markdown. */
    static void print(PrintStream out, List<Cell> cells, Map<String, String> settings, double seconds) {
        out.printf(Locale.ROOT, "settings: %s; %d threads; %.0f s%n%n", settings,
                Runtime.getRuntime().availableProcessors(), seconds);
        StringBuilder header = new StringBuilder("| interval |");
        StringBuilder rule = new StringBuilder("|---|");
        for (Cell c : cells) {
            header.append(' ').append(c.regime.label).append(" n=").append(c.n).append(" |");
            rule.append("---:|");
        }
        out.println(header);
        out.println(rule);
        out.println(row("true TV", cells, c -> String.format(Locale.ROOT, "%.4f", c.truth)));
        out.println(row("mean plug-in tv", cells, c -> String.format(Locale.ROOT, "%.4f", c.meanTv)));
        out.println(row("images", cells, c -> Integer.toString(c.regime.images)));
        for (String name : cells.get(0).misses.keySet()) {
            out.println(row(name, cells, c -> {
                int[] m = c.misses.get(name);
                double coverage = 100.0 * (c.replications - m[0] - m[1]) / c.replications;
                return String.format(Locale.ROOT, "%s%.1f%s (%d/%d)", coverage < 93 ? "**" : "", coverage,
                        coverage < 93 ? "**" : "", m[0], m[1]);
            }));
        }
        out.println();
        out.println("Mean width:");
        out.println();
        out.println(header);
        out.println(rule);
        for (String name : cells.get(0).widths.keySet()) {
            out.println(row(name, cells, c -> String.format(Locale.ROOT, "%.4f", c.widths.get(name))));
        }
    }

    private static String row(String name, List<Cell> cells, java.util.function.Function<Cell, String> value) {
        StringBuilder s = new StringBuilder("| ").append(name).append(" |");
        for (Cell c : cells) {
            s.append(' ').append(value.apply(c)).append(" |");
        }
        return s.toString();
    }

    /**
     * The embedded sample's per-image class counts per schedule at its last record epoch (a committed resource,
     * {@code sample-counts.txt}, whose header says how it was made), and distributions derived from them.
     */
    record SampleDistributions(List<String> schedules, int[][][] counts) {

        /** Test images of the embedded sample. */
        static final int IMAGES = 2_000;
        private static final String RESOURCE = "sample-counts.txt";

        static SampleDistributions load() {
            try (InputStream in = TvCoverageBenchmark.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("resource " + RESOURCE + " is missing");
                }
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                List<String> schedules = null;
                List<int[][]> rows = new ArrayList<>();
                for (String line; (line = reader.readLine()) != null; ) {
                    if (line.startsWith("#")) {
                        continue;
                    }
                    String[] fields = line.split("\t");
                    if (schedules == null) {
                        schedules = List.of(fields).subList(1, fields.length);
                        continue;
                    }
                    int[][] perSchedule = new int[fields.length - 1][CLASSES];
                    for (int s = 1; s < fields.length; s++) {
                        for (String entry : fields[s].split(",")) {
                            String[] ck = entry.split(":");
                            perSchedule[s - 1][Integer.parseInt(ck[0])] = Integer.parseInt(ck[1]);
                        }
                    }
                    rows.add(perSchedule);
                }
                if (rows.size() != IMAGES) {
                    throw new IllegalStateException(RESOURCE + " has " + rows.size() + " images, expected " + IMAGES);
                }
                int[][][] counts = new int[schedules.size()][IMAGES][];
                for (int i = 0; i < IMAGES; i++) {
                    for (int s = 0; s < schedules.size(); s++) {
                        counts[s][i] = rows.get(i)[s];
                    }
                }
                return new SampleDistributions(schedules, counts);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Per image, the class frequencies over every trial of every schedule. */
        double[][] pooled() {
            double[][] p = new double[IMAGES][CLASSES];
            for (int i = 0; i < IMAGES; i++) {
                int total = 0;
                for (int[][] schedule : counts) {
                    for (int c = 0; c < CLASSES; c++) {
                        p[i][c] += schedule[i][c];
                        total += schedule[i][c];
                    }
                }
                for (int c = 0; c < CLASSES; c++) {
                    p[i][c] /= total;
                }
            }
            return p;
        }

        /**
         * One schedule's frequencies shrunk half way to the pooled ones, {@code (k_S + n_S pbar) / (2 n_S)}: its own
         * trials are too few to be its distribution (a class none of them predicted may still have mass), and the
         * shrinkage keeps part of the difference between schedules that the sample shows.
         */
        double[][] shrunk(String schedule) {
            int s = schedules.indexOf(schedule);
            if (s < 0) {
                throw new IllegalArgumentException("no schedule " + schedule + " in " + schedules);
            }
            double[][] pooled = pooled();
            double[][] p = new double[IMAGES][CLASSES];
            for (int i = 0; i < IMAGES; i++) {
                int trials = Arrays.stream(counts[s][i]).sum();
                for (int c = 0; c < CLASSES; c++) {
                    p[i][c] = (counts[s][i][c] + trials * pooled[i][c]) / (2.0 * trials);
                }
            }
            return p;
        }
    }
}
