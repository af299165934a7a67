package io.mixfarm.jobs.tv;

import io.mixfarm.analysis.tv.Design;
import io.mixfarm.analysis.tv.PredictionMatrix;
import io.mixfarm.analysis.tv.TvEstimator;
import io.mixfarm.analysis.tv.TvSummaryRow;
import io.mixfarm.core.trial.RecordPoint;
import io.mixfarm.core.trial.RecordSteps;
import io.mixfarm.jobs.config.ExperimentConfig;
import io.mixfarm.jobs.config.Seeds;
import io.mixfarm.jobs.config.TrialKey;
import io.mixfarm.jobs.experiment.ExperimentException;
import io.mixfarm.jobs.experiment.ExperimentFolder;
import io.mixfarm.jobs.experiment.Provenance;
import io.mixfarm.jobs.spark.KryoSetup;
import io.mixfarm.jobs.store.ExperimentStore;
import io.mixfarm.jobs.store.Implementation;
import io.mixfarm.jobs.store.StagedDataset;
import io.mixfarm.jobs.store.TrialCensus;
import io.mixfarm.jobs.store.TrialRecord;
import io.mixfarm.jobs.store.TrialStatus;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.PrintStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;

/**
 * Estimates how far apart an experiment's schedules are in function space: for every record point and pair of
 * schedules, the mean per-image TV with a permutation noise floor, p-value and 95% CI for the true mean TV, and at
 * the ends of the {@linkplain CurveEpochs n-curve epochs} also against the number of trials (the math is
 * {@link TvEstimator}'s). A record point is the end of a record epoch, or a step inside an epoch when the experiment
 * records steps (docs/method.md, "Record points").
 * Works on the trials present, so also on a farm that is still running: only trials whose {@code trials/} row
 * says succeeded count ({@link TrialStatus#isSample()}), and every row says how many, and how many diverged trials
 * it left out.
 *
 * <p>Two schedules whose trials are paired ({@link ExperimentConfig#design}: one forks from the other, so trial k of
 * both continues one trial) are compared as pairs: over the trial indices that are samples of both
 * ({@link #pairs}), with the paired null, pair subsets and the paired interval ({@link Design#PAIRED};
 * docs/method.md, "Paired design"); the trials whose partner is not a sample are left out of that comparison,
 * counted and printed. Every other pair of schedules is compared as independent samples.
 *
 * <p>The unit of work is one record point: one Spark task reads that point's row group of every used trial's
 * predictions file, builds the schedules' prediction matrices, computes the point's {@code tv_summary} and
 * {@code tv_by_image} rows, writes the latter as the point's file of {@code tv_by_image} from the executor, and
 * returns the former. Nothing holds more than one point's matrices, and the driver only receives the summary rows,
 * so driver memory grows with neither the record points nor the trials.
 *
 * <p>Writes {@code OUT/tv_summary/} and {@code OUT/tv_by_image/} (Parquet; {@link TvTables}) and
 * {@code OUT/tv_summary.csv}, each with the run's {@linkplain #provenance provenance}. Both tables are written into
 * hidden staging folders and replace the previous run's only when complete ({@link StagedDataset}), the CSV after
 * them: a run that fails or is killed leaves the previous outputs as they were.
 */
public final class TvJob {

    /** The rows written, and the trials that went into them. */
    public record TvResult(List<TvSummaryRow> summary, Map<String, Integer> trialsUsed) {
    }

    /**
     * One Spark task's work: every pair of schedules at one record point. Its list, like the task's result, is an
     * {@link ArrayList}: Kryo rebuilds a list by adding to a new instance, which an immutable list refuses.
     */
    record EpochWork(Point point, ArrayList<Comparison> comparisons) implements Serializable {
    }

    /**
     * A record point as the TV job reads it: the epoch, and the step when the folder records steps (null for a
     * folder written before, whose points are the ends of its record epochs).
     *
     * @param epochEnd whether the point is its epoch's end, where the TV-against-n curve may come
     */
    record Point(int epoch, Long step, boolean epochEnd) implements Serializable {

        /** What the store reads: the end of the epoch where the step is unknown. */
        Optional<byte[]> read(ExperimentStore store, String schedule, int trial) {
            return step == null ? store.predictions(schedule, trial, epoch)
                    : store.predictions(schedule, trial, new RecordPoint(epoch, step));
        }

        /**
         * The seed of the draws comparing schedules {@code a} and {@code b} here ({@link Seeds#comparisonSeed}): an
         * epoch's end keeps the seed it had before record points had steps.
         */
        long comparisonSeed(long experimentSeed, String a, String b) {
            return epochEnd ? Seeds.comparisonSeed(experimentSeed, a, b, epoch)
                    : Seeds.comparisonSeed(experimentSeed, a, b, epoch, step);
        }

        @Override
        public String toString() {
            return "epoch " + epoch + (step == null ? "" : ", step " + step);
        }
    }

    private final PrintStream out;
    private final Runnable beforePublish;

    public TvJob(PrintStream out) {
        this(out, () -> { });
    }

    /**
     * A job that calls {@code beforePublish} when every file of the new outputs is written and none is published:
     * where a test looks at the folder as a crash would leave it, and makes the run fail there.
     */
    TvJob(PrintStream out, Runnable beforePublish) {
        this.out = out;
        this.beforePublish = beforePublish;
    }

    /** Runs the estimates over the output folder {@code output}. */
    public TvResult run(String output, TvOptions options) {
        ExperimentFolder folder = ExperimentFolder.at(output, new Configuration());
        ExperimentStore store = folder.store();
        ExperimentConfig config = folder.recordedConfig();
        List<Integer> curveEpochs = CurveEpochs.resolve(options.nEpochs(), config.schedules(),
                config.recordEpochs(), config.name());
        Collection<TrialRecord> trials = store.trials().values(); // one read of trials/, not two
        TrialCensus census = TrialCensus.of(trials);
        Map<String, List<Integer>> finished = finishedTrials(config, census, store.output());
        int classes = folder.recordedClasses();
        List<Point> points = points(store, config, finished);
        out.printf("mixfarm tv %s: finished trials %s; record epochs %s%s; TV against n at %s%n", config.name(),
                trialCounts(finished), config.recordEpochs(), points.size() > config.recordEpochs().size()
                        ? " and " + (points.size() - config.recordEpochs().size()) + " record points inside epochs"
                        : "", curveEpochs);
        for (TrialStatus status : List.of(TrialStatus.DIVERGED, TrialStatus.FAILED)) {
            if (census.total(status) > 0) {
                out.printf("left out %d %s trials (%s)%n", census.total(status), status,
                        counts(census.counts(status)));
            }
        }
        Implementation.mixture(trials).forEach((schedule, which) ->
                out.printf("implementations of %s: %s%n", schedule, which));
        List<Pairing> pairings = pairings(config, finished);
        pairings.forEach(p -> out.println(p.describe()));

        SparkSession spark = SparkSession.builder().appName("mixfarm tv " + config.name())
                .config("spark.serializer", KryoSerializer.class.getName())
                .config("spark.kryo.registrator", KryoSetup.class.getName())
                .getOrCreate();
        StagedDataset byImage = null;
        StagedDataset summaryTable = null;
        try {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            Map<String, String> provenance = provenance(config, options, curveEpochs, finished, pairings, jsc);
            List<EpochWork> work = work(spark, output, points, finished, curveEpochs, config);
            byImage = StagedDataset.begin(store, TvTables.BY_IMAGE.name());
            summaryTable = StagedDataset.begin(store, TvTables.SUMMARY.name());
            List<TvSummaryRow> summary = estimate(jsc, store, byImage, provenance, work, finished, classes,
                    config.seed(), options).stream()
                    .map(r -> r.withDiverged(census.count(TrialStatus.DIVERGED, r.a()),
                            census.count(TrialStatus.DIVERGED, r.b())))
                    .toList();
            Map<String, String> metadata = withRuntime(provenance);
            summaryTable.write(TvTables.SUMMARY_FILE, TvTables.SUMMARY.schema(), metadata,
                    TvTables.SUMMARY.groups(summary));
            beforePublish.run();
            byImage.publish();
            summaryTable.publish();
            store.writeRootFile(TvTables.SUMMARY_CSV, TvTables.csv(summary, metadata));
            Map<String, Integer> used = new LinkedHashMap<>();
            finished.forEach((schedule, samples) -> used.put(schedule, samples.size()));
            out.printf("wrote %s/%s (%d rows), %s/%s, %s/%s%n", output, TvTables.SUMMARY.name(), summary.size(),
                    output, TvTables.BY_IMAGE.name(), output, TvTables.SUMMARY_CSV);
            return new TvResult(summary, used);
        } finally {
            // After a publish there is nothing left to discard; before it, the staged files go.
            for (StagedDataset staged : Arrays.asList(byImage, summaryTable)) {
                if (staged != null) {
                    staged.discard();
                }
            }
            spark.stop();
        }
    }

    /**
     * What every TV output records of its run, in its Parquet footers and the CSV's {@code #} lines: the
     * experiment's provenance (config and its hash, mixfarm version and commit, this run's Spark application), the
     * TV options as this run resolved them and the seed every draw derives from ({@link Seeds#comparisonSeed}),
     * and the trials used per schedule, and for paired comparisons their pairs and the trials left out of them
     * ({@code mixfarm.tv.pairs}, only where some). A rerun with these options on the same trials reproduces every
     * number.
     */
    static Map<String, String> provenance(ExperimentConfig config, TvOptions options, List<Integer> curveEpochs,
                                          Map<String, List<Integer>> finished, List<Pairing> pairings,
                                          JavaSparkContext jsc) {
        Map<String, String> map = new LinkedHashMap<>(Provenance.experiment(config.render(), config.hash(),
                ExperimentFolder.identityHash(config), jsc.sc().applicationId(), jsc.version()));
        map.put("mixfarm.tv.seed", Long.toString(config.seed()));
        map.put("mixfarm.tv.permutations", Integer.toString(options.permutations()));
        map.put("mixfarm.tv.resamples", Integer.toString(options.resamples()));
        map.put("mixfarm.tv.n", options.ns().isEmpty() ? "default" : join(options.ns()));
        map.put("mixfarm.tv.n_epochs", join(curveEpochs));
        map.put("mixfarm.tv.trials", trialCounts(finished));
        if (!pairings.isEmpty()) {
            map.put("mixfarm.tv.pairs", pairings.stream().map(Pairing::count).collect(Collectors.joining(", ")));
        }
        return map;
    }

    /** The run's provenance with the entries of the JVM that writes the file, taken where it writes it. */
    private static Map<String, String> withRuntime(Map<String, String> provenance) {
        Map<String, String> map = new LinkedHashMap<>(provenance);
        map.putAll(Provenance.analysisRuntime());
        return map;
    }

    private static String join(List<Integer> values) {
        return values.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    /** Sample trials per schedule, ascending, in the config's schedule order; at least two schedules. */
    static Map<String, List<Integer>> finishedTrials(ExperimentConfig config, TrialCensus census, String output) {
        Map<String, List<Integer>> finished = new LinkedHashMap<>();
        for (String name : config.scheduleNames()) {
            if (!census.samples(name).isEmpty()) {
                finished.put(name, census.samples(name));
            }
        }
        if (finished.size() < 2) {
            throw new ExperimentException(output + ": the TV job needs finished trials of at least two schedules, "
                    + "found " + trialCounts(finished));
        }
        return finished;
    }

    /**
     * The trial indices that are samples of both schedules of a paired comparison, ascending: its pairs, trial k of
     * one and of the other. The one rule of which trials a paired comparison uses.
     */
    static List<Integer> pairs(List<Integer> a, List<Integer> b) {
        Set<Integer> inB = new HashSet<>(b);
        return a.stream().filter(inB::contains).toList();
    }

    /**
     * A paired comparison's trials: its pairs, and per schedule the trials left out because their partner is not a
     * sample (failed, diverged, or still running).
     *
     * @param leftOut per schedule with any, how many of its samples were left out
     */
    record Pairing(String a, String b, List<Integer> pairs, Map<String, Integer> leftOut) {

        /** The line the job prints. */
        String describe() {
            if (pairs.isEmpty()) {
                return "paired " + a + " and " + b + ": no trial index is a sample of both, so they are not compared"
                        + " yet";
            }
            return "paired " + a + " and " + b + " (trial k of both continues one trial up to a fork): " + pairs.size()
                    + " pairs" + (leftOut.isEmpty() ? "" : "; left out, their partner not a sample: "
                    + counts(leftOut));
        }

        /** Its entry in the provenance, e.g. {@code R-0.04/P-0.04 5 (left out 1)}. */
        String count() {
            return a + "/" + b + " " + pairs.size() + (leftOut.isEmpty() ? "" : " (left out " + counts(leftOut) + ")");
        }
    }

    /** The paired comparisons among the schedules with samples, in the order the job compares them. */
    static List<Pairing> pairings(ExperimentConfig config, Map<String, List<Integer>> finished) {
        List<String> schedules = new ArrayList<>(finished.keySet());
        List<Pairing> pairings = new ArrayList<>();
        for (int i = 0; i < schedules.size(); i++) {
            for (int j = i + 1; j < schedules.size(); j++) {
                String a = schedules.get(i);
                String b = schedules.get(j);
                if (config.design(a, b) == Design.PAIRED) {
                    List<Integer> pairs = pairs(finished.get(a), finished.get(b));
                    Map<String, Integer> leftOut = new LinkedHashMap<>();
                    for (String schedule : List.of(a, b)) {
                        if (finished.get(schedule).size() > pairs.size()) {
                            leftOut.put(schedule, finished.get(schedule).size() - pairs.size());
                        }
                    }
                    pairings.add(new Pairing(a, b, pairs, leftOut));
                }
            }
        }
        return pairings;
    }

    /**
     * The record points of the run, in order: those of the config's record epochs and {@code record-steps}
     * ({@link RecordSteps#points}, the rule the trials recorded by) with the steps per epoch the trials' files
     * record; in a folder written before record points had steps, the ends of the record epochs.
     */
    static List<Point> points(ExperimentStore store, ExperimentConfig config, Map<String, List<Integer>> finished) {
        Map.Entry<String, List<Integer>> first = finished.entrySet().iterator().next();
        OptionalInt stepsPerEpoch = store.stepsPerEpoch(first.getKey(), first.getValue().get(0));
        if (stepsPerEpoch.isEmpty()) {
            return config.recordEpochs().stream().map(e -> new Point(e, null, true)).toList();
        }
        int s = stepsPerEpoch.getAsInt();
        return config.recordSteps().points(config.epochs(), config.recordEpochs(), s).stream()
                .map(p -> new Point(p.epoch(), p.step(), p.isEpochEnd(s))).toList();
    }

    // ---- The mixing job's access to the same record points and reads (io.mixfarm.jobs.mixing.MixingJob) ----

    /**
     * The run's record points ({@link #points}, the rule the trials recorded by) as {@link RecordPoint}s, for the
     * mixing job. A folder written before record points had steps has the ends of its record epochs, placed at
     * {@code epoch * stepsPerEpoch}.
     */
    public static List<RecordPoint> recordPoints(ExperimentStore store, ExperimentConfig config,
                                                 Map<String, List<Integer>> finished, int stepsPerEpoch) {
        return points(store, config, finished).stream().map(p -> p.step() == null
                ? RecordPoint.endOf(p.epoch(), stepsPerEpoch) : new RecordPoint(p.epoch(), p.step())).toList();
    }

    /**
     * The used trials' predictions at one record point, keyed by schedule (as this job reads them), for the mixing
     * job. A file written before steps were recorded is read by the point's epoch.
     */
    public static Map<String, PredictionMatrix> readPoint(ExperimentStore store, Map<String, List<Integer>> finished,
                                                          RecordPoint point, int classes) {
        // Whether the point ends its epoch decides this job's curve and baseline, not what is read.
        return readPoint(store, finished, new Point(point.epoch(), point.step(), false), classes);
    }

    /**
     * The used trials' predictions at one record point, keyed by schedule: one matrix per schedule, read from each
     * trial's file (only that point's row group).
     */
    static Map<String, PredictionMatrix> readPoint(ExperimentStore store, Map<String, List<Integer>> finished,
                                                   Point point, int classes) {
        Map<String, PredictionMatrix> matrices = new HashMap<>();
        finished.forEach((schedule, trials) -> {
            byte[][] rows = new byte[trials.size()][];
            for (int k = 0; k < rows.length; k++) {
                int trial = trials.get(k);
                rows[k] = point.read(store, schedule, trial).orElseThrow(() -> new IllegalStateException(
                        "trial " + new TrialKey(schedule, trial) + " succeeded but has no predictions at " + point));
            }
            matrices.put(schedule, PredictionMatrix.of(classes,
                    trials.stream().mapToInt(Integer::intValue).toArray(), rows));
        });
        return matrices;
    }

    /**
     * Every pair of schedules at every record point, grouped by point, with the figure 3b baseline (from
     * {@code metrics} at an epoch's end, from {@code step_metrics} inside an epoch), whether the point gets the
     * TV-against-n curve (the ends of the curve epochs only) and its design ({@link ExperimentConfig#design}); a
     * paired comparison without a single pair yet is left out ({@link Pairing#describe} says so).
     */
    private static List<EpochWork> work(SparkSession spark, String output, List<Point> points,
                                        Map<String, List<Integer>> finished, List<Integer> curveEpochs,
                                        ExperimentConfig config) {
        List<Row> trialRows = new ArrayList<>();
        finished.forEach((schedule, trials) -> trials.forEach(t -> trialRows.add(RowFactory.create(schedule, t))));
        StructType schema = new StructType().add("schedule", DataTypes.StringType).add("trial", DataTypes.IntegerType);
        Dataset<Row> used = spark.createDataFrame(trialRows, schema);
        spark.sparkContext().setJobDescription("mixfarm tv: baselines from metrics");
        Map<String, Double> testError = new HashMap<>();
        meanTestError(spark, output + "/metrics", used, "epoch", testError);
        boolean inside = points.stream().anyMatch(p -> !p.epochEnd());
        if (inside) {
            meanTestError(spark, output + "/step_metrics", used, "step", testError);
        }

        List<String> schedules = new ArrayList<>(finished.keySet());
        List<EpochWork> work = new ArrayList<>();
        for (Point point : points) {
            // Keyed as the metrics rows are: an epoch's end by its epoch, a point inside one by its step.
            String key = point.epochEnd() ? "epoch " + point.epoch() : "step " + point.step();
            ArrayList<Comparison> comparisons = new ArrayList<>();
            for (int i = 0; i < schedules.size(); i++) {
                for (int j = i + 1; j < schedules.size(); j++) {
                    String a = schedules.get(i);
                    String b = schedules.get(j);
                    Design design = config.design(a, b);
                    if (design == Design.PAIRED && pairs(finished.get(a), finished.get(b)).isEmpty()) {
                        continue;
                    }
                    double baseline = testError.getOrDefault(a + "/" + key, Double.NaN)
                            + testError.getOrDefault(b + "/" + key, Double.NaN);
                    comparisons.add(new Comparison(point, a, b, baseline,
                            point.epochEnd() && curveEpochs.contains(point.epoch()), design));
                }
            }
            work.add(new EpochWork(point, comparisons));
        }
        return work;
    }

    /** Mean test error per schedule and {@code column} value over the used trials, into {@code means}. */
    private static void meanTestError(SparkSession spark, String table, Dataset<Row> used, String column,
                                      Map<String, Double> means) {
        spark.read().parquet(table).join(used, scala.jdk.javaapi.CollectionConverters.asScala(
                        List.of("schedule", "trial")).toSeq(), "left_semi")
                .groupBy(col("schedule"), col(column).cast(DataTypes.LongType))
                .agg(avg(col("test_error")).as("test_error"))
                .collectAsList()
                .forEach(row -> means.put(row.getString(0) + "/" + column + " " + row.getLong(1), row.getDouble(2)));
    }

    /**
     * One Spark task per record point: reads the point's matrices, estimates every pair, writes the point's
     * {@code tv_by_image} file into {@code byImage} and returns its summary rows; the driver collects them, in the
     * points' order, and adds Holm's p-values over the whole run (the family is every (record point, pair) the run
     * tests).
     */
    private static List<TvSummaryRow> estimate(JavaSparkContext jsc, ExperimentStore store, StagedDataset byImage,
                                               Map<String, String> provenance, List<EpochWork> work,
                                               Map<String, List<Integer>> finished, int classes, long seed,
                                               TvOptions options) {
        LinkedHashMap<String, List<Integer>> trials = new LinkedHashMap<>(finished);
        HashMap<String, String> runProvenance = new HashMap<>(provenance);
        jsc.setJobDescription(String.format("mixfarm tv: %d record points, %d permutations", work.size(),
                options.permutations()));
        List<TvSummaryRow> all = new ArrayList<>();
        jsc.parallelize(work, Math.max(1, work.size())).map(w -> {
            Map<String, PredictionMatrix> matrices = readPoint(store, trials, w.point(), classes);
            ArrayList<TvSummaryRow> summary = new ArrayList<>();
            List<PairImages> pairs = new ArrayList<>();
            for (Comparison c : w.comparisons()) {
                Sides sides = Sides.of(matrices, c);
                estimateOne(sides, c, seed, options).forEach(r -> summary.add(r.withStep(w.point().step())));
                pairs.add(PairImages.of(c.epoch(), w.point().step(), c.a(), c.b(), sides.a(), sides.b()));
            }
            Iterable<TvByImageRow> rows = () -> pairs.stream().flatMap(PairImages::rows).iterator();
            byImage.write(TvTables.byImageFile(w.point()), TvTables.BY_IMAGE.schema(),
                    withRuntime(runProvenance), TvTables.BY_IMAGE.groups(rows));
            return summary;
        }).collect().forEach(all::addAll);
        return TvSummaryRow.withHolm(all);
    }

    /**
     * The two sides of one comparison: each schedule's matrix at the record point, or for a paired comparison the
     * rows of its {@link #pairs} only, so that row k of each is pair k.
     */
    record Sides(PredictionMatrix a, PredictionMatrix b) {

        /** From the matrices of the comparison's record point keyed by schedule ({@link #readPoint}). */
        static Sides of(Map<String, PredictionMatrix> matrices, Comparison c) {
            PredictionMatrix a = matrices.get(c.a());
            PredictionMatrix b = matrices.get(c.b());
            if (c.design() != Design.PAIRED) {
                return new Sides(a, b);
            }
            int[] pairs = pairs(Arrays.stream(a.trialIds()).boxed().toList(),
                    Arrays.stream(b.trialIds()).boxed().toList()).stream().mapToInt(Integer::intValue).toArray();
            return new Sides(a.select(pairs), b.select(pairs));
        }
    }

    /** One comparison's summary rows, from the matrices of its record point keyed by schedule ({@link #readPoint}). */
    static List<TvSummaryRow> estimateOne(Map<String, PredictionMatrix> matrices, Comparison c, long seed,
                                          TvOptions options) {
        return estimateOne(Sides.of(matrices, c), c, seed, options);
    }

    /** One comparison's summary rows, from its sides, under its design. */
    private static List<TvSummaryRow> estimateOne(Sides sides, Comparison c, long seed, TvOptions options) {
        PredictionMatrix a = sides.a();
        PredictionMatrix b = sides.b();
        // An epoch's end keeps the seed it had before record points had steps, so its rows stay as they were.
        long comparisonSeed = c.point().comparisonSeed(seed, c.a(), c.b());
        TvEstimator estimator = new TvEstimator(comparisonSeed, options.resamples(), options.permutations());
        int available = Math.min(a.trials(), b.trials());
        int[] ns = (options.ns().isEmpty() ? java.util.Arrays.stream(TvEstimator.defaultNs(available)).boxed().toList()
                : options.ns()).stream().mapToInt(Integer::intValue).filter(n -> n < available).toArray();
        List<TvSummaryRow> rows = new ArrayList<>(c.curve() ? estimator.againstN(c.epoch(), c.a(), c.b(), a, b, ns,
                c.baseline(), c.design()) : List.of());
        rows.add(estimator.estimate(c.epoch(), c.a(), c.b(), a, b, c.baseline(), c.design()));
        return rows;
    }

    private static String trialCounts(Map<String, List<Integer>> finished) {
        Map<String, Integer> sizes = new LinkedHashMap<>();
        finished.forEach((s, t) -> sizes.put(s, t.size()));
        return counts(sizes);
    }

    /** Counts per schedule as one phrase, e.g. {@code Const 4, LR-decay 3}; "none" if empty. */
    static String counts(Map<String, Integer> counts) {
        StringBuilder text = new StringBuilder();
        counts.forEach((s, n) -> text.append(text.length() == 0 ? "" : ", ").append(s).append(' ').append(n));
        return text.length() == 0 ? "none" : text.toString();
    }
}
