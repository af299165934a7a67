package io.mixfarm.jobs.report;

import io.mixfarm.analysis.mixing.MixingStudyRow;
import io.mixfarm.analysis.mixing.MixingSummaryRow;
import io.mixfarm.analysis.report.MetricRow;
import io.mixfarm.analysis.report.Report;
import io.mixfarm.analysis.report.ReportFiles;
import io.mixfarm.analysis.report.StudyCurves;
import io.mixfarm.analysis.tv.TvSummaryRow;
import io.mixfarm.jobs.experiment.ExperimentFolder;
import io.mixfarm.jobs.config.ExperimentConfig;
import io.mixfarm.jobs.config.MixingStudy;
import io.mixfarm.jobs.config.TrialKey;
import io.mixfarm.jobs.experiment.BuildInfo;
import io.mixfarm.jobs.mixing.MixingJob;
import io.mixfarm.jobs.mixing.MixingTables;
import io.mixfarm.jobs.store.ExperimentStore;
import io.mixfarm.jobs.store.Implementation;
import io.mixfarm.jobs.store.TrialCensus;
import io.mixfarm.jobs.store.TrialRecord;
import io.mixfarm.jobs.store.TrialStatus;
import io.mixfarm.jobs.tv.TvTables;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads an experiment's metrics and TV summary with Spark SQL and writes the charts and {@code report.html}
 * (drawn by {@link Report}) into {@code OUT/report/}. The report is static: it needs no server and no network.
 */
public final class ReportJob {

    /** What writes the mixing tables again, named when an older one lacks a column. */
    private static final String MIXING_RERUN = "./submit/mixfarm mixing --out ";

    private final PrintStream out;

    public ReportJob(PrintStream out) {
        this.out = out;
    }

    /** Writes the report of the experiment in {@code output} (a local folder). */
    public ReportFiles run(String output) {
        ExperimentFolder folder = ExperimentFolder.at(output, new Configuration());
        ExperimentStore store = folder.store();
        ExperimentConfig config = folder.recordedConfig();
        Collection<TrialRecord> trials = store.trials().values(); // one read of trials/, not two
        TrialCensus census = TrialCensus.of(trials);
        SparkSession spark = SparkSession.builder().appName("mixfarm report " + config.name()).getOrCreate();
        try {
            spark.sparkContext().setJobDescription("mixfarm report: read metrics, tv_summary and mixing tables");
            List<MetricRow> metrics = metrics(spark, output, census);
            List<TvSummaryRow> tv = TvTables.readSummary(spark, output);
            Map<String, String> facts = new LinkedHashMap<>();
            facts.put("experiment", config.name());
            facts.put("output", output);
            facts.put("config hash", config.hash());
            facts.put("finished trials", census.counts(TrialStatus.SUCCEEDED).toString());
            // Diverged trials are not samples: left out of every figure, and counted here.
            facts.put("diverged trials (left out)", census.total(TrialStatus.DIVERGED) == 0 ? "none"
                    : census.counts(TrialStatus.DIVERGED).toString());
            facts.put("planned trials", config.plan().size() + " (" + config.trials() + " per schedule)");
            facts.put("data", config.data());
            facts.put("preprocessing", "normalise " + config.preprocessing().normalise().label() + ", augment "
                    + config.preprocessing().augment().label());
            facts.put("model", config.model().architecture() + ", width " + config.model().width());
            facts.put("epochs", config.epochs() + ", record epochs " + config.recordEpochs());
            Map<String, String> mixture = Implementation.mixture(trials);
            if (mixture.isEmpty()) {
                trials.stream().filter(TrialRecord::isSucceeded).findFirst().ifPresent(r ->
                        facts.put("implementation", Implementation.label(r.implementation())));
            } else {
                mixture.forEach((schedule, which) -> facts.put("implementations of " + schedule, which));
            }
            facts.put("mixfarm", BuildInfo.current().version() + " (commit " + BuildInfo.current().commit() + ")");
            facts.put("generated", Instant.now().toString());
            List<MixingSummaryRow> mixing = MixingTables.SUMMARY.readAll(spark, output, MIXING_RERUN + output);
            List<MixingStudyRow> laws = MixingTables.LAWS.readAll(spark, output, MIXING_RERUN + output);
            ReportFiles files = Report.write(Path.of(output, "report"), config.name(), metrics, tv,
                    studyCurves(config, store, census, tv), mixing, laws, facts);
            out.printf("wrote %s%n", Path.of(output, "report", "report.html"));
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report into " + output + "/report: " + e.getMessage(), e);
        } finally {
            spark.stop();
        }
    }

    /**
     * For a mixing study ({@link MixingStudy#recognise}) with TV rows, its branches and step axis, as the mixing job
     * reads it ({@link MixingJob#perturbation}).
     */
    private static Optional<StudyCurves> studyCurves(ExperimentConfig config, ExperimentStore store,
                                                     TrialCensus census, List<TvSummaryRow> tv) {
        Optional<MixingStudy> study = MixingStudy.recognise(config.schedules(), config.epochs());
        if (study.isEmpty() || tv.isEmpty()) {
            return Optional.empty();
        }
        List<StudyCurves.Branch> branches = study.get().intrinsicLrs().stream().map(l -> new StudyCurves.Branch(l,
                MixingStudy.referenceName(l), MixingStudy.perturbedName(l))).toList();
        return Optional.of(new StudyCurves(branches, MixingJob.perturbation(study.get(), config, store,
                census.samples(branches.get(0).reference()))));
    }

    private static List<MetricRow> metrics(SparkSession spark, String output, TrialCensus census) {
        Dataset<Row> table = spark.read().parquet(output + "/metrics");
        List<String> groups = new ArrayList<>();
        for (String column : table.columns()) {
            if (column.startsWith("norm_")) {
                groups.add(column.substring("norm_".length()));
            }
        }
        List<MetricRow> rows = new ArrayList<>();
        for (Row row : table.collectAsList()) {
            String schedule = row.getAs("schedule");
            int trial = row.<Integer>getAs("trial");
            if (!census.isSample(new TrialKey(schedule, trial))) {
                continue; // a trial still running, failed or diverged has no place in figures over finished trials
            }
            Map<String, Double> norms = new HashMap<>();
            groups.forEach(g -> norms.put(g, row.<Double>getAs("norm_" + g)));
            rows.add(new MetricRow(schedule, trial, row.<Integer>getAs("epoch"), row.<Double>getAs("lr"),
                    row.<Double>getAs("train_error"), row.<Double>getAs("test_error"), row.<Double>getAs("norm"),
                    row.<Double>getAs("effective_lr"), norms));
        }
        return rows;
    }
}
