package io.mixfarm.jobs.mixing;

import io.mixfarm.analysis.mixing.MixingAnalysis;
import io.mixfarm.analysis.mixing.MixingAnalysis.Branches;
import io.mixfarm.analysis.mixing.MixingStudyRow;
import io.mixfarm.analysis.mixing.MixingSummaryRow;
import io.mixfarm.analysis.tv.Design;
import io.mixfarm.analysis.tv.PredictionMatrix;
import io.mixfarm.core.data.Datasets;
import io.mixfarm.jobs.config.ExperimentConfig;
import io.mixfarm.jobs.config.MixingStudy;
import io.mixfarm.jobs.config.Seeds;
import io.mixfarm.jobs.config.TrialKey;
import io.mixfarm.jobs.experiment.ExperimentException;
import io.mixfarm.jobs.experiment.ExperimentFolder;
import io.mixfarm.jobs.experiment.Provenance;
import io.mixfarm.jobs.store.ExperimentStore;
import io.mixfarm.jobs.store.StagedDataset;
import io.mixfarm.jobs.store.TrialCensus;
import io.mixfarm.jobs.store.TrialStatus;
import io.mixfarm.jobs.tv.TvJob;
import io.mixfarm.jobs.tv.TvTable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.apache.spark.sql.functions.col;

/**
 * The analysis of a mixing-time study ({@code mixfarm mixing --out DIR}; docs/method.md, "Mixing time"): for each
 * intrinsic LR {@code l}, the record points after the perturbation of {@code P-l} and {@code R-l}, both branches'
 * predictions there and each trial's effective LR, into {@link MixingAnalysis}; its result is written as
 * {@code OUT/mixing_summary/} and {@code OUT/mixing_laws/} (Parquet, provenance in the footer) and
 * {@code OUT/mixing_summary.csv}, {@code OUT/mixing_laws.csv} ({@link MixingTables}), each staged and swapped in
 * whole ({@link StagedDataset}).
 *
 * <p>A folder is a study when its recorded config's schedules are the expansion of a {@code mixing} block
 * ({@link MixingStudy#recognise}); any other folder is refused in one line. Only succeeded trials count
 * ({@link TrialStatus#isSample()}), and only the indices {@code k} that succeeded in both branches: trial {@code k}
 * of {@code P-l} and of {@code R-l} are a pair.
 *
 * <p>Memory: the driver holds one intrinsic LR at a time, its two branches' predictions at every record point
 * after the perturbation (one byte per test image, trial and point: {@code 2 * points * pairs * images} bytes),
 * because {@code T_mix} is read off the whole curve; the next LR's replace them.
 */
public final class MixingJob {

    /** Bootstrap resamples of the pairs per intrinsic LR when the command names none. */
    public static final int DEFAULT_RESAMPLES = 1000;

    /** The rows written. */
    public record MixingResult(List<MixingSummaryRow> summary, List<MixingStudyRow> laws) {
    }

    private final PrintStream out;

    public MixingJob(PrintStream out) {
        this.out = out;
    }

    /**
     * Runs the study's analysis over the output folder {@code output}.
     *
     * @param resamples bootstrap resamples of the pairs per intrinsic LR, at least 1
     * @throws ExperimentException if the folder is not a mixing study or lacks the trials or record points it needs
     */
    public MixingResult run(String output, int resamples) {
        if (resamples < 1) {
            throw new IllegalArgumentException("--resamples must be at least 1, got " + resamples);
        }
        ExperimentFolder folder = ExperimentFolder.at(output, new Configuration());
        ExperimentConfig config = folder.recordedConfig();
        MixingStudy study = MixingStudy.recognise(config.schedules(), config.epochs()).orElseThrow(() ->
                new ExperimentException(output + " is not a mixing study: its config has no mixing block (its "
                        + "schedules are " + config.scheduleNames() + "); mixfarm tv compares any schedules"));
        ExperimentStore store = folder.store();
        TrialCensus census = TrialCensus.of(store.trials().values());
        List<Integer> epochs = recordEpochsAfter(config, study, output);
        int stepsPerEpoch = stepsPerEpoch(config);
        double[] steps = epochs.stream().mapToDouble(e -> stepsAfter(e, study, stepsPerEpoch)).toArray();
        Map<Double, List<Integer>> pairs = pairs(study, census, output);
        int classes = folder.recordedClasses();
        out.printf("mixfarm mixing %s: intrinsic LRs %s, perturbation after epoch %d; record epochs after it %s "
                        + "(steps after it %s); pairs %s%n", config.name(), study.intrinsicLrs(),
                study.prefixEpochs(), epochs, Arrays.toString(steps), pairCounts(pairs));
        if (census.total(TrialStatus.DIVERGED) + census.total(TrialStatus.FAILED) > 0) {
            out.printf("left out %d diverged and %d failed trials, and their partners%n",
                    census.total(TrialStatus.DIVERGED), census.total(TrialStatus.FAILED));
        }

        SparkSession spark = SparkSession.builder().appName("mixfarm mixing " + config.name()).getOrCreate();
        StagedDataset summaryTable = null;
        StagedDataset lawsTable = null;
        try {
            Map<String, String> metadata = new LinkedHashMap<>(Provenance.experiment(config.render(),
                    config.hash(), ExperimentFolder.identityHash(config), spark.sparkContext().applicationId(),
                    spark.version()));
            metadata.put("mixfarm.mixing.seed", Long.toString(config.seed()));
            metadata.put("mixfarm.mixing.resamples", Integer.toString(resamples));
            metadata.put("mixfarm.mixing.steps_per_epoch", Integer.toString(stepsPerEpoch));
            metadata.put("mixfarm.mixing.pairs", pairCounts(pairs));
            metadata.putAll(Provenance.analysisRuntime());

            List<Branches> branches = new ArrayList<>();
            for (double lambdaE : study.intrinsicLrs()) {
                branches.add(branches(spark, store, output, design(config, lambdaE), lambdaE, pairs.get(lambdaE), epochs, steps, classes));
            }
            MixingAnalysis.Result result = new MixingAnalysis(resamples, Seeds.mixingSeed(config.seed()))
                    .run(branches);

            summaryTable = StagedDataset.begin(store, MixingTables.SUMMARY.name());
            lawsTable = StagedDataset.begin(store, MixingTables.LAWS.name());
            write(summaryTable, MixingTables.SUMMARY, result.rows(), metadata);
            write(lawsTable, MixingTables.LAWS, result.laws(), metadata);
            summaryTable.publish();
            lawsTable.publish();
            store.writeRootFile(MixingTables.SUMMARY.csvFile(),
                    MixingTables.SUMMARY.csv(result.rows(), metadata));
            store.writeRootFile(MixingTables.LAWS.csvFile(), MixingTables.LAWS.csv(result.laws(), metadata));
            print(MixingTables.SUMMARY, result.rows());
            print(MixingTables.LAWS, result.laws());
            out.printf("wrote %s/%s (%d rows), %s/%s (%d rows), and their CSV files%n", output,
                    MixingTables.SUMMARY.name(), result.rows().size(), output, MixingTables.LAWS.name(),
                    result.laws().size());
            return new MixingResult(result.rows(), result.laws());
        } finally {
            // After a publish there is nothing left to discard; before it, the staged files go.
            for (StagedDataset staged : Arrays.asList(summaryTable, lawsTable)) {
                if (staged != null) {
                    staged.discard();
                }
            }
            spark.stop();
        }
    }

    /** A table's rows on the console, as its CSV has them (NaN: an empty field). */
    private <R extends Record> void print(TvTable<R> table, List<R> rows) {
        out.println(table.csvHeader());
        rows.forEach(row -> out.println(table.csvLine(row)));
    }

    private static <R extends Record> void write(StagedDataset staged, TvTable<R> table, List<R> rows,
                                                 Map<String, String> metadata) {
        staged.write(table.file(), table.schema(), metadata, table.groups(rows));
    }

    /**
     * How the branches' trials were sampled, by the experiment's one pairing rule ({@link ExperimentConfig#design}):
     * {@link Design#PAIRED} when {@code P-l} forks from {@code R-l} (as the {@code mixing} block declares it), so
     * trial {@code k} of both shares its prefix and its seeds.
     */
    static Design design(ExperimentConfig config, double lambdaE) {
        return config.design(MixingStudy.perturbedName(lambdaE), MixingStudy.referenceName(lambdaE));
    }

    /** The record epochs after the perturbation, at least one. */
    private static List<Integer> recordEpochsAfter(ExperimentConfig config, MixingStudy study, String output) {
        List<Integer> after = config.recordEpochs().stream().filter(e -> e > study.prefixEpochs()).toList();
        if (after.isEmpty()) {
            throw new ExperimentException(output + ": no record epoch after the perturbation (epoch "
                    + study.prefixEpochs() + "); record-epochs is " + config.recordEpochs());
        }
        return after;
    }

    /**
     * The step source: a record point's SGD steps after the perturbation. Record points are the record epochs'
     * ends, so this is whole epochs after T0 times the steps of one epoch; step-level record points replace this
     * one function by the points' recorded steps.
     */
    static double stepsAfter(int epoch, MixingStudy study, int stepsPerEpoch) {
        return (double) (epoch - study.prefixEpochs()) * stepsPerEpoch;
    }

    /**
     * SGD steps in one epoch: one per minibatch, the last one taking the remainder
     * ({@link io.mixfarm.core.trial.MinibatchOrder}), over the training set the config names.
     */
    private static int stepsPerEpoch(ExperimentConfig config) {
        int images = Datasets.open(config.data()).train().count();
        return (images + config.batchSize() - 1) / config.batchSize();
    }

    /** Per intrinsic LR, the trial indices that succeeded in both branches, ascending; at least two per LR. */
    private static Map<Double, List<Integer>> pairs(MixingStudy study, TrialCensus census, String output) {
        Map<Double, List<Integer>> pairs = new LinkedHashMap<>();
        for (double lambdaE : study.intrinsicLrs()) {
            String reference = MixingStudy.referenceName(lambdaE);
            String perturbed = MixingStudy.perturbedName(lambdaE);
            List<Integer> both = census.samples(perturbed).stream().filter(census.samples(reference)::contains)
                    .toList();
            if (both.size() < 2) {
                throw new ExperimentException(output + ": intrinsic LR " + lambdaE + " needs at least 2 trial "
                        + "indices that succeeded in both " + reference + " and " + perturbed + ", found "
                        + both.size() + " (" + reference + " " + census.samples(reference).size() + ", " + perturbed
                        + " " + census.samples(perturbed).size() + " succeeded)");
            }
            pairs.put(lambdaE, both);
        }
        return pairs;
    }

    private static String pairCounts(Map<Double, List<Integer>> pairs) {
        return pairs.entrySet().stream().map(e -> e.getKey() + " " + e.getValue().size())
                .collect(Collectors.joining(", "));
    }

    /** One intrinsic LR's branches: its predictions at every record point and its pairs' effective LRs. */
    private static Branches branches(SparkSession spark, ExperimentStore store, String output, Design design,
                                     double lambdaE, List<Integer> pairs, List<Integer> epochs, double[] steps, int classes) {
        String reference = MixingStudy.referenceName(lambdaE);
        String perturbed = MixingStudy.perturbedName(lambdaE);
        Map<String, List<Integer>> trials = new LinkedHashMap<>();
        trials.put(perturbed, pairs);
        trials.put(reference, pairs);
        List<PredictionMatrix> perturbedPredictions = new ArrayList<>();
        List<PredictionMatrix> referencePredictions = new ArrayList<>();
        for (int epoch : epochs) {
            Map<String, PredictionMatrix> matrices = TvJob.readEpoch(store, trials, epoch, classes);
            perturbedPredictions.add(matrices.get(perturbed));
            referencePredictions.add(matrices.get(reference));
        }
        Map<TrialKey, Map<Integer, Double>> lr = effectiveLrs(spark, output, List.of(perturbed, reference));
        return new Branches(lambdaE, design, steps, perturbedPredictions, referencePredictions,
                effectiveLrs(lr, perturbed, pairs, epochs), effectiveLrs(lr, reference, pairs, epochs));
    }

    /** The metrics' effective LR {@code eta / ||w||^2} of the schedules' trials, by trial and epoch. */
    private static Map<TrialKey, Map<Integer, Double>> effectiveLrs(SparkSession spark, String output,
                                                                   List<String> schedules) {
        spark.sparkContext().setJobDescription("mixfarm mixing: effective LRs of " + schedules);
        Map<TrialKey, Map<Integer, Double>> lr = new HashMap<>();
        for (Row row : spark.read().parquet(output + "/metrics")
                .where(col("schedule").isin(schedules.toArray()))
                .select("schedule", "trial", "epoch", "effective_lr").collectAsList()) {
            lr.computeIfAbsent(new TrialKey(row.getString(0), row.getInt(1)), k -> new HashMap<>())
                    .put(row.getInt(2), row.getDouble(3));
        }
        return lr;
    }

    /** {@code [pair][point]}: one branch's effective LRs at the record epochs. */
    private static double[][] effectiveLrs(Map<TrialKey, Map<Integer, Double>> lr, String schedule,
                                           List<Integer> pairs, List<Integer> epochs) {
        double[][] values = new double[pairs.size()][epochs.size()];
        for (int p = 0; p < values.length; p++) {
            TrialKey key = new TrialKey(schedule, pairs.get(p));
            for (int i = 0; i < epochs.size(); i++) {
                Double value = lr.getOrDefault(key, Map.of()).get(epochs.get(i));
                if (value == null) {
                    throw new IllegalStateException("trial " + key + " succeeded but has no metrics for epoch "
                            + epochs.get(i));
                }
                values[p][i] = value;
            }
        }
        return values;
    }
}
