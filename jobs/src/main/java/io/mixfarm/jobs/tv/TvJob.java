package io.mixfarm.jobs.tv;

import io.mixfarm.analysis.tv.PredictionMatrix;
import io.mixfarm.analysis.tv.TvEstimator;
import io.mixfarm.analysis.tv.TvSummaryRow;
import io.mixfarm.jobs.config.ExperimentConfig;
import io.mixfarm.jobs.config.Seeds;
import io.mixfarm.jobs.config.TrialKey;
import io.mixfarm.jobs.experiment.ExperimentException;
import io.mixfarm.jobs.experiment.ExperimentFolder;
import io.mixfarm.jobs.spark.KryoSetup;
import io.mixfarm.jobs.store.ExperimentStore;
import io.mixfarm.jobs.store.Implementation;
import io.mixfarm.jobs.store.TrialCensus;
import io.mixfarm.jobs.store.TrialRecord;
import io.mixfarm.jobs.store.TrialStatus;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

import java.io.PrintStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;

/**
 * Estimates how far apart an experiment's schedules are in function space: for every record epoch and pair of
 * schedules, the mean per-image TV with a permutation noise floor, p-value and 95% CI for the true mean TV, and at
 * the {@linkplain CurveEpochs n-curve epochs} also against the number of trials (the math is {@link TvEstimator}'s).
 * Works on the trials present, so also on a farm that is still running: only trials whose {@code trials/} row
 * says succeeded count ({@link TrialStatus#isSample()}), and every row says how many, and how many diverged trials
 * it left out.
 *
 * <p>The unit of work is one record epoch: one Spark task reads that epoch's row group of every used trial's
 * predictions file, builds the schedules' prediction matrices, and computes the epoch's {@code tv_summary} and
 * {@code tv_by_image} rows. Nothing holds more than one epoch's matrices, and the driver only receives the summary
 * rows, so driver memory grows with neither the record epochs nor the trials. The per-image results are kept on
 * the executors' disks between the two Spark jobs (summary, then {@code tv_by_image} written by the executors), so
 * nothing is computed twice.
 *
 * <p>Writes {@code OUT/tv_summary/} and {@code OUT/tv_by_image/} (Parquet) and {@code OUT/tv_summary.csv}.
 */
public final class TvJob {

    /** The rows written, and the trials that went into them. */
    public record TvResult(List<TvSummaryRow> summary, Map<String, Integer> trialsUsed) {
    }

    /**
     * One Spark task's work: every pair of schedules at one record epoch. Its list, like {@link EpochResult}'s, is
     * an {@link ArrayList}: Kryo rebuilds a list by adding to a new instance, which an immutable list refuses.
     */
    record EpochWork(int epoch, ArrayList<Comparison> comparisons) implements Serializable {
    }

    /** One Spark task's result: its summary rows, and the per-image TV and counts of each pair. */
    record EpochResult(ArrayList<TvSummaryRow> summary, ArrayList<PairImages> byImage) implements Serializable {
    }

    private final PrintStream out;

    public TvJob(PrintStream out) {
        this.out = out;
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
        out.printf("mixfarm tv %s: finished trials %s; record epochs %s; TV against n at %s%n", config.name(),
                trialCounts(finished), config.recordEpochs(), curveEpochs);
        for (TrialStatus status : List.of(TrialStatus.DIVERGED, TrialStatus.FAILED)) {
            if (census.total(status) > 0) {
                out.printf("left out %d %s trials (%s)%n", census.total(status), status,
                        counts(census.counts(status)));
            }
        }
        Implementation.mixture(trials).forEach((schedule, which) ->
                out.printf("implementations of %s: %s%n", schedule, which));

        SparkSession spark = SparkSession.builder().appName("mixfarm tv " + config.name())
                .config("spark.serializer", KryoSerializer.class.getName())
                .config("spark.kryo.registrator", KryoSetup.class.getName())
                .getOrCreate();
        try {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            List<EpochWork> work = work(spark, output, config, finished, curveEpochs);
            JavaRDD<EpochResult> results = estimate(jsc, store, work, finished, classes, config.seed(), options);
            try {
                List<TvSummaryRow> summary = collectSummary(jsc, results, options).stream()
                        .map(r -> r.withDiverged(census.count(TrialStatus.DIVERGED, r.a()),
                                census.count(TrialStatus.DIVERGED, r.b())))
                        .toList();
                writeSummary(spark, output, summary);
                writeByImage(spark, output, results);
                Map<String, Integer> used = new LinkedHashMap<>();
                finished.forEach((schedule, samples) -> used.put(schedule, samples.size()));
                out.printf("wrote %s/tv_summary (%d rows), %s/tv_by_image, %s/tv_summary.csv%n", output,
                        summary.size(), output, output);
                return new TvResult(summary, used);
            } finally {
                results.unpersist(false);
            }
        } finally {
            spark.stop();
        }
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
     * The used trials' predictions at one record epoch, keyed by schedule: one matrix per schedule, read from each
     * trial's file (only that epoch's row group).
     */
    static Map<String, PredictionMatrix> readEpoch(ExperimentStore store, Map<String, List<Integer>> finished,
                                                   int epoch, int classes) {
        Map<String, PredictionMatrix> matrices = new HashMap<>();
        finished.forEach((schedule, trials) -> {
            byte[][] rows = new byte[trials.size()][];
            for (int k = 0; k < rows.length; k++) {
                int trial = trials.get(k);
                rows[k] = store.predictions(schedule, trial, epoch).orElseThrow(() -> new IllegalStateException(
                        "trial " + new TrialKey(schedule, trial) + " succeeded but has no predictions for epoch "
                                + epoch));
            }
            matrices.put(schedule, PredictionMatrix.of(classes,
                    trials.stream().mapToInt(Integer::intValue).toArray(), rows));
        });
        return matrices;
    }

    /**
     * Every pair of schedules at every record epoch, grouped by epoch, with the figure 3b baseline from the
     * metrics table and whether the epoch gets the TV-against-n curve.
     */
    private static List<EpochWork> work(SparkSession spark, String output, ExperimentConfig config,
                                        Map<String, List<Integer>> finished, List<Integer> curveEpochs) {
        List<Row> trialRows = new ArrayList<>();
        finished.forEach((schedule, trials) -> trials.forEach(t -> trialRows.add(RowFactory.create(schedule, t))));
        StructType schema = new StructType().add("schedule", DataTypes.StringType).add("trial", DataTypes.IntegerType);
        Dataset<Row> used = spark.createDataFrame(trialRows, schema);
        spark.sparkContext().setJobDescription("mixfarm tv: baselines from metrics");
        Map<Integer, Map<String, Double>> testError = new HashMap<>(); // by epoch, then schedule
        spark.read().parquet(output + "/metrics").join(used, scala.jdk.javaapi.CollectionConverters.asScala(
                        List.of("schedule", "trial")).toSeq(), "left_semi")
                .groupBy("schedule", "epoch").agg(avg(col("test_error")).as("test_error"))
                .collectAsList()
                .forEach(row -> testError.computeIfAbsent(row.getInt(1), e -> new HashMap<>())
                        .put(row.getString(0), row.getDouble(2)));

        List<String> schedules = new ArrayList<>(finished.keySet());
        List<EpochWork> work = new ArrayList<>();
        for (int epoch : config.recordEpochs()) {
            ArrayList<Comparison> comparisons = new ArrayList<>();
            Map<String, Double> epochError = testError.getOrDefault(epoch, Map.of());
            for (int i = 0; i < schedules.size(); i++) {
                for (int j = i + 1; j < schedules.size(); j++) {
                    String a = schedules.get(i);
                    String b = schedules.get(j);
                    double baseline = epochError.getOrDefault(a, Double.NaN) + epochError.getOrDefault(b, Double.NaN);
                    comparisons.add(new Comparison(epoch, a, b, baseline, curveEpochs.contains(epoch)));
                }
            }
            work.add(new EpochWork(epoch, comparisons));
        }
        return work;
    }

    /**
     * One Spark task per record epoch: reads the epoch's matrices, then estimates every pair and computes its
     * per-image rows. Kept on disk (the driver's memory in local mode is the executor's) until both outputs are
     * written.
     */
    private static JavaRDD<EpochResult> estimate(JavaSparkContext jsc, ExperimentStore store, List<EpochWork> work,
                                                 Map<String, List<Integer>> finished, int classes, long seed,
                                                 TvOptions options) {
        LinkedHashMap<String, List<Integer>> trials = new LinkedHashMap<>(finished);
        return jsc.parallelize(work, Math.max(1, work.size())).map(w -> {
            Map<String, PredictionMatrix> matrices = readEpoch(store, trials, w.epoch(), classes);
            ArrayList<TvSummaryRow> summary = new ArrayList<>();
            ArrayList<PairImages> byImage = new ArrayList<>();
            for (Comparison c : w.comparisons()) {
                summary.addAll(estimateOne(matrices, c, seed, options));
                byImage.add(PairImages.of(c.epoch(), c.a(), c.b(), matrices.get(c.a()), matrices.get(c.b())));
            }
            return new EpochResult(summary, byImage);
        }).persist(StorageLevel.DISK_ONLY());
    }

    /** The first Spark job: computes every epoch and brings back only the summary rows, in epoch order. */
    private static List<TvSummaryRow> collectSummary(JavaSparkContext jsc, JavaRDD<EpochResult> results,
                                                     TvOptions options) {
        jsc.setJobDescription(String.format("mixfarm tv: %d record epochs, %d permutations",
                results.getNumPartitions(), options.permutations()));
        List<TvSummaryRow> all = new ArrayList<>();
        results.map(EpochResult::summary).collect().forEach(all::addAll);
        // Holm over the whole run, not per task: the family is every (epoch, pair) the run tests.
        return TvSummaryRow.withHolm(all);
    }

    /** One comparison's summary rows, from the matrices of its epoch keyed by schedule ({@link #readEpoch}). */
    static List<TvSummaryRow> estimateOne(Map<String, PredictionMatrix> matrices, Comparison c, long seed,
                                          TvOptions options) {
        PredictionMatrix a = matrices.get(c.a());
        PredictionMatrix b = matrices.get(c.b());
        long comparisonSeed = Seeds.comparisonSeed(seed, c.a(), c.b(), c.epoch());
        TvEstimator estimator = new TvEstimator(comparisonSeed, options.resamples(), options.permutations());
        int available = Math.min(a.trials(), b.trials());
        int[] ns = (options.ns().isEmpty() ? java.util.Arrays.stream(TvEstimator.defaultNs(available)).boxed().toList()
                : options.ns()).stream().mapToInt(Integer::intValue).filter(n -> n < available).toArray();
        List<TvSummaryRow> rows = new ArrayList<>(c.curve() ? estimator.againstN(c.epoch(), c.a(), c.b(), a, b, ns,
                c.baseline()) : List.of());
        rows.add(estimator.estimate(c.epoch(), c.a(), c.b(), a, b, c.baseline()));
        return rows;
    }

    private static void writeSummary(SparkSession spark, String output, List<TvSummaryRow> summary) {
        spark.sparkContext().setJobDescription("mixfarm tv: write tv_summary");
        spark.createDataFrame(summary.stream().map(TvTables::summaryRow).toList(), TvTables.SUMMARY)
                .coalesce(1).write().mode(SaveMode.Overwrite).parquet(output + "/tv_summary");
        TvTables.writeCsv(spark.sparkContext().hadoopConfiguration(), output + "/tv_summary.csv", summary);
    }

    /** Per-image TV and class counts, from the kept per-epoch results, written by the executors. */
    private static void writeByImage(SparkSession spark, String output, JavaRDD<EpochResult> results) {
        spark.sparkContext().setJobDescription("mixfarm tv: write tv_by_image");
        JavaRDD<Row> rows = results.flatMap(r -> r.byImage().stream()
                .flatMap(pair -> TvTables.byImageRows(pair).stream()).iterator());
        spark.createDataFrame(rows, TvTables.BY_IMAGE).write().mode(SaveMode.Overwrite)
                .parquet(output + "/tv_by_image");
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
