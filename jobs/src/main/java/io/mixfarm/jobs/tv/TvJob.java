package io.mixfarm.jobs.tv;

import io.mixfarm.analysis.tv.PredictionMatrix;
import io.mixfarm.analysis.tv.TvEstimator;
import io.mixfarm.analysis.tv.TvSummaryRow;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

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
 * predictions file, builds the schedules' prediction matrices, computes the epoch's {@code tv_summary} and
 * {@code tv_by_image} rows, writes the latter as the epoch's file of {@code tv_by_image} from the executor, and
 * returns the former. Nothing holds more than one epoch's matrices, and the driver only receives the summary rows,
 * so driver memory grows with neither the record epochs nor the trials.
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
     * One Spark task's work: every pair of schedules at one record epoch. Its list, like the task's result, is an
     * {@link ArrayList}: Kryo rebuilds a list by adding to a new instance, which an immutable list refuses.
     */
    record EpochWork(int epoch, ArrayList<Comparison> comparisons) implements Serializable {
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
        StagedDataset byImage = null;
        StagedDataset summaryTable = null;
        try {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            Map<String, String> provenance = provenance(config, options, curveEpochs, finished, jsc);
            List<EpochWork> work = work(spark, output, config, finished, curveEpochs);
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
     * and the trials used per schedule. A rerun with these options on the same trials reproduces every number.
     */
    static Map<String, String> provenance(ExperimentConfig config, TvOptions options, List<Integer> curveEpochs,
                                          Map<String, List<Integer>> finished, JavaSparkContext jsc) {
        Map<String, String> map = new LinkedHashMap<>(Provenance.experiment(config.render(), config.hash(),
                ExperimentFolder.identityHash(config), jsc.sc().applicationId(), jsc.version()));
        map.put("mixfarm.tv.seed", Long.toString(config.seed()));
        map.put("mixfarm.tv.permutations", Integer.toString(options.permutations()));
        map.put("mixfarm.tv.resamples", Integer.toString(options.resamples()));
        map.put("mixfarm.tv.n", options.ns().isEmpty() ? "default" : join(options.ns()));
        map.put("mixfarm.tv.n_epochs", join(curveEpochs));
        map.put("mixfarm.tv.trials", trialCounts(finished));
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
     * One Spark task per record epoch: reads the epoch's matrices, estimates every pair, writes the epoch's
     * {@code tv_by_image} file into {@code byImage} and returns its summary rows; the driver collects them, in epoch
     * order, and adds Holm's p-values over the whole run (the family is every (epoch, pair) the run tests).
     */
    private static List<TvSummaryRow> estimate(JavaSparkContext jsc, ExperimentStore store, StagedDataset byImage,
                                               Map<String, String> provenance, List<EpochWork> work,
                                               Map<String, List<Integer>> finished, int classes, long seed,
                                               TvOptions options) {
        LinkedHashMap<String, List<Integer>> trials = new LinkedHashMap<>(finished);
        HashMap<String, String> runProvenance = new HashMap<>(provenance);
        jsc.setJobDescription(String.format("mixfarm tv: %d record epochs, %d permutations", work.size(),
                options.permutations()));
        List<TvSummaryRow> all = new ArrayList<>();
        jsc.parallelize(work, Math.max(1, work.size())).map(w -> {
            Map<String, PredictionMatrix> matrices = readEpoch(store, trials, w.epoch(), classes);
            ArrayList<TvSummaryRow> summary = new ArrayList<>();
            List<PairImages> pairs = new ArrayList<>();
            for (Comparison c : w.comparisons()) {
                summary.addAll(estimateOne(matrices, c, seed, options));
                pairs.add(PairImages.of(c.epoch(), c.a(), c.b(), matrices.get(c.a()), matrices.get(c.b())));
            }
            Iterable<TvByImageRow> rows = () -> pairs.stream().flatMap(PairImages::rows).iterator();
            byImage.write(TvTables.byImageFile(w.epoch()), TvTables.BY_IMAGE.schema(), withRuntime(runProvenance),
                    TvTables.BY_IMAGE.groups(rows));
            return summary;
        }).collect().forEach(all::addAll);
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
