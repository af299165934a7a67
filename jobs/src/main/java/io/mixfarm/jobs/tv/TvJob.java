package io.mixfarm.jobs.tv;

import io.mixfarm.analysis.tv.PredictionMatrix;
import io.mixfarm.analysis.tv.TvEstimator;
import io.mixfarm.analysis.tv.TvSummaryRow;
import io.mixfarm.jobs.experiment.ExperimentFolder;
import io.mixfarm.jobs.config.ExperimentConfig;
import io.mixfarm.jobs.experiment.ExperimentException;
import io.mixfarm.jobs.spark.KryoSetup;
import io.mixfarm.jobs.store.ExperimentStore;
import io.mixfarm.jobs.store.Implementation;
import io.mixfarm.jobs.store.TrialCensus;
import io.mixfarm.jobs.store.TrialRecord;
import io.mixfarm.jobs.store.TrialStatus;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;

/**
 * Estimates how far apart an experiment's schedules are in function space: for every record epoch and pair of
 * schedules, the mean per-image TV, against the number of trials, with a permutation noise floor, p-value and
 * 95% CI for the true mean TV (the math is {@link TvEstimator}'s). Works on the trials present, so also on a farm
 * that is still running: only trials whose {@code trials/} row says succeeded count ({@link TrialStatus#isSample()}),
 * and every row says how many, and how many diverged trials it left out.
 *
 * <p>Writes {@code OUT/tv_summary/} and {@code OUT/tv_by_image/} (Parquet) and {@code OUT/tv_summary.csv}.
 */
public final class TvJob {

    /** The rows written, and the trials that went into them. */
    public record TvResult(List<TvSummaryRow> summary, Map<String, Integer> trialsUsed) {
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
        Collection<TrialRecord> trials = store.trials().values(); // one read of trials/, not two
        TrialCensus census = TrialCensus.of(trials);
        Map<String, List<Integer>> finished = finishedTrials(config, census, store.output());
        out.printf("mixfarm tv %s: finished trials %s; record epochs %s%n", config.name(), trialCounts(finished),
                config.recordEpochs());
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
            Map<String, PredictionMatrix> matrices = readMatrices(jsc, store, config, finished,
                    folder.recordedClasses());
            List<Comparison> comparisons = comparisons(spark, output, config, finished);
            Broadcast<HashMap<String, PredictionMatrix>> shared = jsc.broadcast(new HashMap<>(matrices));
            List<TvSummaryRow> summary = estimate(jsc, shared, comparisons, config.seed(), options).stream()
                    .map(r -> r.withDiverged(census.count(TrialStatus.DIVERGED, r.a()),
                            census.count(TrialStatus.DIVERGED, r.b())))
                    .toList();
            writeSummary(spark, output, summary);
            writeByImage(spark, output, shared, comparisons);
            Map<String, Integer> used = new LinkedHashMap<>();
            finished.forEach((schedule, samples) -> used.put(schedule, samples.size()));
            out.printf("wrote %s/tv_summary (%d rows), %s/tv_by_image, %s/tv_summary.csv%n", output, summary.size(),
                    output, output);
            return new TvResult(summary, used);
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

    /** Each (schedule, epoch)'s predictions as a trials x images matrix, read by Spark tasks from the files. */
    private static Map<String, PredictionMatrix> readMatrices(JavaSparkContext jsc, ExperimentStore store,
                                                             ExperimentConfig config,
                                                             Map<String, List<Integer>> finished, int classes) {
        List<Tuple2<String, Integer>> keys = new ArrayList<>();
        finished.forEach((schedule, trials) -> config.recordEpochs().forEach(epoch ->
                trials.forEach(trial -> keys.add(new Tuple2<>(schedule + "/" + epoch, trial)))));
        jsc.setJobDescription("mixfarm tv: read " + keys.size() + " prediction files");
        List<Tuple2<Tuple2<String, Integer>, byte[]>> read = jsc.parallelize(keys, Math.max(1,
                        Math.min(keys.size(), jsc.defaultParallelism() * 4)))
                .map(key -> {
                    String[] parts = key._1().split("/");
                    byte[] predicted = store.predictions(parts[0], key._2(), Integer.parseInt(parts[1]))
                            .orElseThrow(() -> new IllegalStateException("trial " + parts[0] + "/" + key._2()
                                    + " succeeded but has no predictions for epoch " + parts[1]));
                    return new Tuple2<>(key, predicted);
                })
                .collect();
        Map<String, TreeMap<Integer, byte[]>> rows = new HashMap<>();
        for (Tuple2<Tuple2<String, Integer>, byte[]> entry : read) {
            rows.computeIfAbsent(entry._1()._1(), k -> new TreeMap<>()).put(entry._1()._2(), entry._2());
        }
        Map<String, PredictionMatrix> matrices = new HashMap<>();
        rows.forEach((key, byTrial) -> matrices.put(key, PredictionMatrix.of(classes,
                byTrial.keySet().stream().mapToInt(Integer::intValue).toArray(),
                byTrial.values().toArray(new byte[0][]))));
        return matrices;
    }

    /** Every pair of schedules at every record epoch, with the figure 3b baseline from the metrics table. */
    private static List<Comparison> comparisons(SparkSession spark, String output, ExperimentConfig config,
                                                Map<String, List<Integer>> finished) {
        List<Row> trialRows = new ArrayList<>();
        finished.forEach((schedule, trials) -> trials.forEach(t -> trialRows.add(RowFactory.create(schedule, t))));
        StructType schema = new StructType().add("schedule", DataTypes.StringType).add("trial", DataTypes.IntegerType);
        Dataset<Row> used = spark.createDataFrame(trialRows, schema);
        spark.sparkContext().setJobDescription("mixfarm tv: baselines from metrics");
        Map<String, Double> testError = new HashMap<>();
        spark.read().parquet(output + "/metrics").join(used, scala.jdk.javaapi.CollectionConverters.asScala(
                        List.of("schedule", "trial")).toSeq(), "left_semi")
                .groupBy("schedule", "epoch").agg(avg(col("test_error")).as("test_error"))
                .collectAsList()
                .forEach(row -> testError.put(row.getString(0) + "/" + row.getInt(1), row.getDouble(2)));

        List<String> schedules = new ArrayList<>(finished.keySet());
        List<Comparison> comparisons = new ArrayList<>();
        for (int epoch : config.recordEpochs()) {
            for (int i = 0; i < schedules.size(); i++) {
                for (int j = i + 1; j < schedules.size(); j++) {
                    String a = schedules.get(i);
                    String b = schedules.get(j);
                    double baseline = testError.getOrDefault(a + "/" + epoch, Double.NaN)
                            + testError.getOrDefault(b + "/" + epoch, Double.NaN);
                    comparisons.add(new Comparison(epoch, a, b, baseline));
                }
            }
        }
        return comparisons;
    }

    /** One Spark task per comparison: TV against n, then the all-trials estimate with its noise floor. */
    private static List<TvSummaryRow> estimate(JavaSparkContext jsc, Broadcast<HashMap<String, PredictionMatrix>> shared,
                                               List<Comparison> comparisons, long seed, TvOptions options) {
        jsc.setJobDescription(String.format("mixfarm tv: %d comparisons, %d permutations", comparisons.size(),
                options.permutations()));
        List<List<TvSummaryRow>> rows = jsc.parallelize(comparisons, Math.max(1, comparisons.size()))
                .map(c -> estimateOne(shared.value(), c, seed, options))
                .collect();
        List<TvSummaryRow> all = new ArrayList<>();
        rows.forEach(all::addAll);
        // Holm over the whole run, not per task: the family is every (epoch, pair) the run tests.
        return TvSummaryRow.withHolm(all);
    }

    static List<TvSummaryRow> estimateOne(Map<String, PredictionMatrix> matrices, Comparison c, long seed,
                                          TvOptions options) {
        PredictionMatrix a = matrices.get(c.a() + "/" + c.epoch());
        PredictionMatrix b = matrices.get(c.b() + "/" + c.epoch());
        // One seed per comparison, so adding schedules or epochs does not change the others' estimates.
        long comparisonSeed = seed * 31 + (c.a() + "|" + c.b() + "|" + c.epoch()).hashCode();
        TvEstimator estimator = new TvEstimator(comparisonSeed, options.resamples(), options.permutations());
        int available = Math.min(a.trials(), b.trials());
        int[] ns = (options.ns().isEmpty() ? java.util.Arrays.stream(TvEstimator.defaultNs(available)).boxed().toList()
                : options.ns()).stream().mapToInt(Integer::intValue).filter(n -> n < available).toArray();
        List<TvSummaryRow> rows = new ArrayList<>(estimator.againstN(c.epoch(), c.a(), c.b(), a, b, ns, c.baseline()));
        rows.add(estimator.estimate(c.epoch(), c.a(), c.b(), a, b, c.baseline()));
        return rows;
    }

    private static void writeSummary(SparkSession spark, String output, List<TvSummaryRow> summary) {
        spark.sparkContext().setJobDescription("mixfarm tv: write tv_summary");
        spark.createDataFrame(summary.stream().map(TvTables::summaryRow).toList(), TvTables.SUMMARY)
                .coalesce(1).write().mode(SaveMode.Overwrite).parquet(output + "/tv_summary");
        TvTables.writeCsv(spark.sparkContext().hadoopConfiguration(), output + "/tv_summary.csv", summary);
    }

    /** Per-image TV and class counts, computed by one Spark task per comparison from the broadcast matrices. */
    private static void writeByImage(SparkSession spark, String output,
                                     Broadcast<HashMap<String, PredictionMatrix>> shared, List<Comparison> comparisons) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        jsc.setJobDescription("mixfarm tv: write tv_by_image");
        var rows = jsc.parallelize(comparisons, Math.max(1, comparisons.size())).flatMap(c -> {
            PredictionMatrix a = shared.value().get(c.a() + "/" + c.epoch());
            PredictionMatrix b = shared.value().get(c.b() + "/" + c.epoch());
            return TvTables.byImageRows(c.epoch(), c.a(), c.b(), a, b).iterator();
        });
        spark.createDataFrame(rows, TvTables.BY_IMAGE).coalesce(1).write().mode(SaveMode.Overwrite)
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
