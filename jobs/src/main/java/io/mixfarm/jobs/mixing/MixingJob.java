package io.mixfarm.jobs.mixing;

import io.mixfarm.analysis.mixing.Equilibrium;
import io.mixfarm.analysis.mixing.MixingAnalysis;
import io.mixfarm.analysis.mixing.MixingAnalysis.Branches;
import io.mixfarm.analysis.mixing.MixingStudyRow;
import io.mixfarm.analysis.mixing.MixingSummaryRow;
import io.mixfarm.analysis.mixing.Perturbation;
import io.mixfarm.analysis.tv.Design;
import io.mixfarm.analysis.tv.PredictionMatrix;
import io.mixfarm.core.data.Datasets;
import io.mixfarm.core.trial.MinibatchOrder;
import io.mixfarm.core.trial.RecordPoint;
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
import org.apache.spark.sql.types.DataTypes;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;

import static org.apache.spark.sql.functions.col;

/**
 * The analysis of a mixing-time study ({@code mixfarm mixing --out DIR}; docs/method.md, "Mixing time"): for each
 * intrinsic LR {@code l}, every record point from the end of the prefix on (the TV job's, {@link TvJob#recordPoints}:
 * epoch ends and, with {@code record-steps}, points inside epochs), both branches' predictions there, each trial's
 * effective LR ({@code metrics} at epoch ends, {@code step_metrics} inside epochs) and {@code R-l}'s predictions at
 * the end of the prefix and of training (the equilibrium check), into {@link MixingAnalysis}; its result is written as
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
        MixingStudy study = studyOf(config).orElseThrow(() ->
                new ExperimentException(output + " is not a mixing study: its config has no mixing block (its "
                        + "schedules are " + config.scheduleNames() + "); mixfarm tv compares any schedules"));
        ExperimentStore store = folder.store();
        TrialCensus census = TrialCensus.of(store.trials().values());
        Map<Double, List<Integer>> pairs = pairs(study, census, output);
        double first = study.intrinsicLrs().get(0);
        Perturbation perturbation = perturbation(study, config, store, pairs.get(first));
        int stepsPerEpoch = perturbation.stepsPerEpoch();
        List<RecordPoint> recorded = TvJob.recordPoints(store, config,
                Map.of(MixingStudy.referenceName(first), pairs.get(first)), stepsPerEpoch);
        List<RecordPoint> points = pointsFromPrefix(recorded, perturbation.step(), config, output);
        double[] steps = points.stream().mapToDouble(p -> perturbation.stepsAfter(p.step())).toArray();
        int classes = folder.recordedClasses();
        out.printf("mixfarm mixing %s: intrinsic LRs %s, perturbation after epoch %d (step %d, %d steps per epoch); "
                        + "%d record points from it, at steps after it %s; pairs %s%n", config.name(),
                study.intrinsicLrs(), study.prefixEpochs(), perturbation.step(), stepsPerEpoch, points.size(),
                listed(steps), pairCounts(pairs));
        if (census.total(TrialStatus.DIVERGED) + census.total(TrialStatus.FAILED) > 0) {
            out.printf("left out %d diverged and %d failed trials, and their partners%n",
                    census.total(TrialStatus.DIVERGED), census.total(TrialStatus.FAILED));
        }
        boolean checked = points.get(0).step() == perturbation.step()
                && points.get(points.size() - 1).equals(RecordPoint.endOf(config.epochs(), stepsPerEpoch));
        if (!checked) {
            out.printf("no equilibrium check: it compares the ends of epochs %d (the prefix) and %d (the last), and "
                    + "the record epochs are %s; equilibrium_* are NaN%n", study.prefixEpochs(), config.epochs(),
                    config.recordEpochs());
        }

        SparkSession spark = SparkSession.builder().appName("mixfarm mixing " + config.name()).getOrCreate();
        StagedDataset summaryTable = null;
        StagedDataset lawsTable = null;
        try {
            Map<String, String> metadata = new LinkedHashMap<>(Provenance.experiment(config.render(),
                    config.hash(), ExperimentFolder.identityHash(config), spark.sparkContext().applicationId(),
                    spark.version()));
            // Each intrinsic LR's draws derive from this seed and the LR (Seeds.mixingSeed).
            metadata.put("mixfarm.mixing.seed", Long.toString(config.seed()));
            metadata.put("mixfarm.mixing.resamples", Integer.toString(resamples));
            metadata.put("mixfarm.mixing.steps_per_epoch", Integer.toString(stepsPerEpoch));
            metadata.put("mixfarm.mixing.pairs", pairCounts(pairs));
            metadata.putAll(Provenance.analysisRuntime());

            List<Branches> branches = new ArrayList<>();
            for (double lambdaE : study.intrinsicLrs()) {
                branches.add(branches(spark, store, output, design(config, lambdaE), lambdaE, pairs.get(lambdaE),
                        points, steps, stepsPerEpoch, checked, config.epochs(), classes));
            }
            MixingAnalysis.Result result = new MixingAnalysis(resamples,
                    lambdaE -> Seeds.mixingSeed(config.seed(), lambdaE)).run(branches);

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
            if (checked) {
                result.rows().forEach(row -> out.println(equilibriumLine(row, study.prefixEpochs())));
            }
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

    /**
     * The study an experiment is, if its schedules are a {@code mixing} block's expansion ({@link
     * MixingStudy#recognise}): what makes a folder one this job analyses, and {@code mixfarm run} run it.
     */
    public static Optional<MixingStudy> studyOf(ExperimentConfig config) {
        return MixingStudy.recognise(config.schedules(), config.epochs());
    }

    /**
     * The record points from the end of the prefix on (step {@code perturbation}; that point itself only if
     * recorded): the TV curve starts there. At least two after it, or the clocks have nothing to time.
     */
    private static List<RecordPoint> pointsFromPrefix(List<RecordPoint> all, long perturbation,
                                                      ExperimentConfig config, String output) {
        List<RecordPoint> from = all.stream().filter(p -> p.step() >= perturbation).toList();
        long after = from.stream().filter(p -> p.step() > perturbation).count();
        if (after < 2) {
            throw new ExperimentException(output + ": " + after + " record point(s) after the perturbation (step "
                    + perturbation + "), at least 2 needed; record-epochs is " + config.recordEpochs()
                    + ", record-steps " + (config.recordSteps().on() ? "every " + config.recordSteps().every()
                    + " steps from epoch " + config.recordSteps().fromEpoch() : "off"));
        }
        return from;
    }

    /** Steps after the perturbation, as whole numbers; the middle left out of a long list. */
    private static String listed(double[] steps) {
        List<String> all = Arrays.stream(steps).mapToObj(t -> String.format(Locale.ROOT, "%.0f", t)).toList();
        return "[" + (all.size() <= 12 ? String.join(", ", all) : String.join(", ", all.subList(0, 6)) + ", ..., "
                + String.join(", ", all.subList(all.size() - 3, all.size()))) + "]";
    }

    /** The equilibrium check's line for one intrinsic LR ({@link Equilibrium}). */
    static String equilibriumLine(MixingSummaryRow row, int prefixEpochs) {
        String reference = MixingStudy.referenceName(row.lambdaE());
        String numbers = String.format(Locale.ROOT, "TV %.4f against the end of training, floor %.4f (p = %.3g)",
                row.equilibriumTv(), row.equilibriumFloor(), row.equilibriumP());
        return switch (row.equilibrium()) {
            case REACHED -> reference + " at equilibrium by epoch " + prefixEpochs + ": " + numbers + ", on the floor";
            case NOT_REACHED -> reference + " NOT at equilibrium at epoch " + prefixEpochs + ": " + numbers
                    + ", above the floor; lengthen prefix-epochs";
            case NOT_CHECKED -> reference + ": equilibrium not checked (no p-value)";
        };
    }

    /**
     * Where the study's perturbation falls on the step axis: after its prefix, with the steps per epoch that the files
     * of the first intrinsic LR's reference trial {@code trials.get(0)} record; in a folder written before they did,
     * or with no such trial, the count of the rule the trials trained by ({@link MinibatchOrder#stepsPerEpoch}) over
     * the config's training set. The mixing job and the report's study curves read it alike.
     */
    public static Perturbation perturbation(MixingStudy study, ExperimentConfig config, ExperimentStore store,
                                            List<Integer> trials) {
        OptionalInt recorded = trials.isEmpty() ? OptionalInt.empty()
                : store.stepsPerEpoch(MixingStudy.referenceName(study.intrinsicLrs().get(0)), trials.get(0));
        int stepsPerEpoch = recorded.isPresent() ? recorded.getAsInt()
                : MinibatchOrder.stepsPerEpoch(Datasets.open(config.data()).train().count(), config.batchSize());
        return new Perturbation(study.prefixEpochs(), stepsPerEpoch);
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

    /**
     * One intrinsic LR's branches: its predictions at every record point from the end of the prefix on, its pairs'
     * effective LRs there, and when {@code checked}, the reference's predictions at the ends of the equilibrium check:
     * the first point (the end of the prefix) and the last (the end of training).
     */
    private static Branches branches(SparkSession spark, ExperimentStore store, String output, Design design,
                                     double lambdaE, List<Integer> pairs, List<RecordPoint> points, double[] steps,
                                     int stepsPerEpoch, boolean checked, int epochs, int classes) {
        String reference = MixingStudy.referenceName(lambdaE);
        String perturbed = MixingStudy.perturbedName(lambdaE);
        Map<String, List<Integer>> trials = new LinkedHashMap<>();
        trials.put(perturbed, pairs);
        trials.put(reference, pairs);
        List<PredictionMatrix> perturbedPredictions = new ArrayList<>();
        List<PredictionMatrix> referencePredictions = new ArrayList<>();
        for (RecordPoint point : points) {
            Map<String, PredictionMatrix> matrices = TvJob.readPoint(store, trials, point, classes);
            perturbedPredictions.add(matrices.get(perturbed));
            referencePredictions.add(matrices.get(reference));
        }
        boolean inside = points.stream().anyMatch(p -> !p.isEpochEnd(stepsPerEpoch));
        Map<TrialKey, Map<Long, Double>> lr = effectiveLrs(spark, output, List.of(perturbed, reference),
                stepsPerEpoch, inside);
        return new Branches(lambdaE, design, steps, perturbedPredictions, referencePredictions,
                series(lr, perturbed, pairs, points), series(lr, reference, pairs, points),
                checked ? referencePredictions.get(0) : null,
                checked ? referencePredictions.get(referencePredictions.size() - 1) : null, epochs);
    }

    /**
     * The effective LR {@code eta / ||w||^2} of the schedules' trials, by trial and step: {@code metrics} at epoch
     * ends (step {@code epoch * S}, so also in folders written before {@code metrics} had a step) and, when
     * {@code inside}, {@code step_metrics} at the points inside epochs.
     */
    static Map<TrialKey, Map<Long, Double>> effectiveLrs(SparkSession spark, String output, List<String> schedules,
                                                         int stepsPerEpoch, boolean inside) {
        spark.sparkContext().setJobDescription("mixfarm mixing: effective LRs of " + schedules);
        Map<TrialKey, Map<Long, Double>> lr = new HashMap<>();
        for (Row row : spark.read().parquet(output + "/metrics")
                .where(col("schedule").isin(schedules.toArray()))
                .select("schedule", "trial", "epoch", "effective_lr").collectAsList()) {
            lr.computeIfAbsent(new TrialKey(row.getString(0), row.getInt(1)), k -> new HashMap<>())
                    .put((long) row.getInt(2) * stepsPerEpoch, row.getDouble(3));
        }
        if (inside) {
            for (Row row : spark.read().parquet(output + "/step_metrics")
                    .where(col("schedule").isin(schedules.toArray()))
                    .select(col("schedule"), col("trial"), col("step").cast(DataTypes.LongType), col("effective_lr"))
                    .collectAsList()) {
                lr.computeIfAbsent(new TrialKey(row.getString(0), row.getInt(1)), k -> new HashMap<>())
                        .put(row.getLong(2), row.getDouble(3));
            }
        }
        return lr;
    }

    /** {@code [pair][point]}: one branch's effective LRs at the record points. */
    static double[][] series(Map<TrialKey, Map<Long, Double>> lr, String schedule, List<Integer> pairs,
                             List<RecordPoint> points) {
        double[][] values = new double[pairs.size()][points.size()];
        for (int p = 0; p < values.length; p++) {
            TrialKey key = new TrialKey(schedule, pairs.get(p));
            for (int i = 0; i < points.size(); i++) {
                Double value = lr.getOrDefault(key, Map.of()).get(points.get(i).step());
                if (value == null) {
                    throw new IllegalStateException("trial " + key + " succeeded but has no effective LR at epoch "
                            + points.get(i).epoch() + ", step " + points.get(i).step());
                }
                values[p][i] = value;
            }
        }
        return values;
    }
}
