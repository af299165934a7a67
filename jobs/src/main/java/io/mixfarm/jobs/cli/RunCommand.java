package io.mixfarm.jobs.cli;

import io.mixfarm.core.data.Dataset;
import io.mixfarm.core.data.DatasetException;
import io.mixfarm.core.data.Datasets;
import io.mixfarm.core.schedule.Schedule;
import io.mixfarm.jobs.bench.CostProjection;
import io.mixfarm.jobs.config.CostEstimate;
import io.mixfarm.jobs.config.ExperimentConfig;
import io.mixfarm.jobs.farm.FarmJob;
import io.mixfarm.jobs.farm.FarmOptions;
import io.mixfarm.jobs.farm.FarmReport;
import io.mixfarm.jobs.farm.Faults;
import io.mixfarm.jobs.mixing.MixingJob;
import io.mixfarm.jobs.report.ReportJob;
import io.mixfarm.jobs.sql.SqlQuery;
import io.mixfarm.jobs.store.TrialRecord;
import io.mixfarm.jobs.tv.PowerProjection;
import io.mixfarm.jobs.tv.TvJob;
import io.mixfarm.jobs.tv.TvOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** Runs an experiment's trial farm: everything not yet complete in its output folder. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the trials of an experiment on Spark (resumes: trials already complete are skipped).")
final class RunCommand implements Callable<Integer> {

    @Spec
    private CommandSpec command;

    @Parameters(index = "0", paramLabel = "CONFIG", description = "Experiment config (HOCON), e.g. conf/mnist-sample.conf")
    private Path config;

    @Option(names = "--out", description = "Output folder (overrides the config's experiment.output).")
    private String out;

    @Option(names = "--trials", description = "Trials per schedule (overrides experiment.trials).")
    private Integer trials;

    @Option(names = "--schedules", split = ",", description = "Run only these schedules of the config.")
    private List<String> schedules;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a config key, e.g. --set model.width=16 (applied last).")
    private List<String> overrides = new ArrayList<>();

    @Option(names = "--dry-run", description = "Print the trial plan and its cost; train nothing.")
    private boolean dryRun;

    @Option(names = "--calibrate",
            description = "With --dry-run: time a few SGD steps here and project core-hours and wall time.")
    private boolean calibrate;

    @Option(names = "--executors", defaultValue = "1",
            description = "With --calibrate: executors to project the wall time for (default: ${DEFAULT-VALUE}).")
    private int executors;

    @Option(names = "--executor-cores",
            description = "With --calibrate: cores per executor (default: this machine's).")
    private Integer executorCores;

    @Option(names = "--power-from", paramLabel = "DIR",
            description = "With --dry-run: from the predictions recorded in DIR (a short pilot or an earlier run on "
                    + "the same data set), project the noise floor at 20 to 1000 trials per schedule and print the "
                    + "smallest count that brings it below --floor, with its cost.")
    private String powerFrom;

    @Option(names = "--floor", paramLabel = "LEVEL", defaultValue = PowerProjection.DEFAULT_LEVEL,
            description = "With --power-from: the noise floor to get below (default: ${DEFAULT-VALUE}).")
    private double floor;

    @Option(names = "--force", description = "If the output folder holds another experiment, delete its outputs.")
    private boolean force;

    @Option(names = "--retry-diverged",
            description = "Rerun the trials that diverged (resume keeps them: a trial is deterministic).")
    private boolean retryDiverged;

    @Option(names = "--allow-mixed-implementations",
            description = "Resume even if the folder's finished trials were computed by another implementation "
                    + "(mixfarm version, git commit, kernels or ND4J backend); the TV job and the report then say "
                    + "which implementations each schedule's trials came from.")
    private boolean allowMixedImplementations;

    @Option(names = "--no-analysis", description = "Stop after the farm: skip the TV job, a mixing study's analysis and "
            + "the report.")
    private boolean noAnalysis;

    @Option(names = "--inject-faults", hidden = true, description = "Testing: SCHEDULE/TRIAL=N|always,...")
    private String faults;

    @Override
    public Integer call() {
        ExperimentConfig experiment = ExperimentConfig.load(config, overrides);
        if (out != null) {
            experiment = experiment.withOutput(out);
        }
        if (trials != null) {
            experiment = experiment.withTrials(trials);
        }
        List<String> only = schedules == null ? List.of() : schedules;
        if (!only.isEmpty()) {
            experiment.withSchedules(only); // validates the names before anything starts
        }
        if (!dryRun && powerFrom != null) {
            throw new IllegalArgumentException("--power-from goes with --dry-run");
        }
        if (powerFrom == null && command.commandLine().getParseResult().hasMatchedOption("--floor")) {
            throw new IllegalArgumentException("--floor goes with --power-from");
        }
        PrintWriter w = command.commandLine().getOut();
        if (dryRun) {
            ExperimentConfig planned = only.isEmpty() ? experiment : experiment.withSchedules(only);
            printPlan(w, planned);
            if (powerFrom != null) {
                PowerProjection.Result power = PowerProjection.project(powerFrom, planned, floor);
                PowerProjection.print(power, w);
                power.needed().ifPresent(n -> w.printf("at %d trials per schedule: %s%n", n,
                        cost(planned.withTrials(n))));
                w.flush();
            }
            if (calibrate) {
                int cores = executorCores == null ? Runtime.getRuntime().availableProcessors() : executorCores;
                new CostProjection(w).print(planned, executors, cores);
            }
            return 0;
        }
        if (calibrate) {
            throw new IllegalArgumentException("--calibrate goes with --dry-run");
        }
        FarmReport report = new FarmJob(new PrintStream(System.out, true)).run(experiment,
                new FarmOptions(force, only, Faults.parse(faults), retryDiverged, allowMixedImplementations));
        printSummary(w, experiment, report);
        if (!noAnalysis) {
            PrintStream stdout = new PrintStream(System.out, true);
            new TvJob(stdout).run(experiment.output(), TvOptions.DEFAULT);
            if (MixingJob.studyOf(experiment).isPresent()) {
                // Before the report, which draws the study's tables.
                new MixingJob(stdout).run(experiment.output(), MixingJob.DEFAULT_RESAMPLES);
            }
            new ReportJob(stdout).run(experiment.output());
            w.printf("report: %s/report/report.html%n", experiment.output());
            w.printf("SQL: ./submit/mixfarm sql --out %s \"%s\"%n", experiment.output(), SqlQuery.MIXING_EXAMPLE);
            w.flush();
        }
        return report.failed().isEmpty() ? 0 : 1;
    }

    private static void printPlan(PrintWriter w, ExperimentConfig experiment) {
        w.printf("experiment %s: %d schedules x %d trials = %d trials, %d epochs, %s width %d, batch %d, data %s "
                        + "(normalise %s, augment %s)%n", experiment.name(), experiment.schedules().size(),
                experiment.trials(), experiment.plan().size(), experiment.epochs(), experiment.model().architecture(),
                experiment.model().width(), experiment.batchSize(), experiment.data(),
                experiment.preprocessing().normalise().label(), experiment.preprocessing().augment().label());
        for (Schedule schedule : experiment.schedules()) {
            w.printf("  %-10s %s%n", schedule.name(), schedule.toText());
            experiment.forkOf(schedule.name()).ifPresent(fork -> w.printf("  %-10s %s: trial k starts from trial k of "
                    + "%s's checkpoint and takes its seeds%n", "", fork.describe(), fork.parent()));
        }
        w.printf("test evaluation: %s%n", experiment.evaluation().describe());
        w.printf("record epochs %s; output %s; config hash %s%n", experiment.recordEpochs(), experiment.output(),
                experiment.hash().substring(0, 12));
        w.println(cost(experiment));
        w.flush();
    }

    /** The experiment's cost in images; in trial-epochs alone while its data set is not readable here. */
    private static String cost(ExperimentConfig experiment) {
        try {
            Dataset data = Datasets.open(experiment.data());
            return CostEstimate.of(experiment, data.train().count(), data.test().count()).describe();
        } catch (DatasetException e) {
            return String.format(Locale.ROOT, "cost: %,d trial-epochs; images unknown until the data is readable "
                    + "(%s); fetch it before a real run", CostEstimate.of(experiment, 0, 0).trialEpochs(),
                    e.getMessage());
        }
    }

    private static void printSummary(PrintWriter w, ExperimentConfig experiment, FarmReport report) {
        int ran = report.outcomes().size();
        w.printf("%nfarm finished: %d trials ran (%d failed, %d diverged), %d were already complete, %d planned%n",
                ran, report.failed().size(), report.diverged().size(), report.skipped(), report.planned());
        if (ran > 0) {
            w.printf("wall %.1f s, trial time %.1f s in all (%.1f s per trial), %d slots, overhead %.1f%%%n",
                    report.wallSeconds(), report.trialSeconds(), report.trialSeconds() / ran, report.slots(),
                    100 * report.overhead());
        }
        for (TrialRecord failed : report.failed()) {
            w.printf("FAILED %s after attempt %d: %s%n", failed.key(), failed.attempt(), failed.error());
        }
        for (TrialRecord diverged : report.diverged()) {
            w.printf("DIVERGED %s: %s%n", diverged.key(), diverged.error());
        }
        String root = experiment.output();
        w.printf("outputs: %s/{predictions,metrics,trials}/ (Parquet, Hive-partitioned), %s/experiment.json%n",
                root, root);
        w.printf("query them (finished trials only; DuckDB recipes in README.md):%n  ./submit/mixfarm sql --out %s \"%s\"%n",
                root, SqlQuery.ERRORS_EXAMPLE);
        w.flush();
    }
}
