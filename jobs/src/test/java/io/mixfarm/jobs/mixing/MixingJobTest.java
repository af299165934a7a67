package io.mixfarm.jobs.mixing;

import io.mixfarm.analysis.mixing.Clock;
import io.mixfarm.analysis.mixing.Equilibrium;
import io.mixfarm.analysis.mixing.MixingStudyRow;
import io.mixfarm.analysis.mixing.MixingSummaryRow;
import io.mixfarm.analysis.report.ReportFiles;
import io.mixfarm.analysis.tv.Design;
import io.mixfarm.core.trial.RecordPoint;
import io.mixfarm.jobs.cli.Mixfarm;
import io.mixfarm.jobs.config.ExperimentConfig;
import io.mixfarm.jobs.experiment.ExperimentException;
import io.mixfarm.jobs.experiment.ExperimentFolder;
import io.mixfarm.jobs.experiment.Provenance;
import io.mixfarm.jobs.farm.TinyFarm;
import io.mixfarm.jobs.report.ReportJob;
import io.mixfarm.jobs.tv.TvTable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A tiny mixing study trained and analysed by {@code mixfarm run} in local Spark (2 intrinsic LRs, 8 trials per
 * schedule, a width-4 CNN on a 300/100 slice of the embedded sample, T0 = 1 epoch and 4 after it, record points
 * every 2 SGD steps from the end of the prefix), then analysed again by the job itself.
 */
@ExtendWith(TinyFarm.LocalSpark.class)
class MixingJobTest {

    private static final int RESAMPLES = 50;
    private static final int STEPS_PER_EPOCH = TinyFarm.STEPS_PER_EPOCH;

    @TempDir
    static Path dir;
    private static Path out;
    private static String log;
    private static MixingJob.MixingResult result;
    /** The README's {@code mixfarm mixing} line as run, its exit status and the summary CSV it wrote. */
    private static List<String> readmeRun;
    /** What {@code mixfarm run} printed (the jobs' lines, then the command's), its exit status, and its CSV. */
    private static String runLog;
    private static int runStatus;
    private static List<String> runCsv;

    @BeforeAll
    static void farmAndAnalyse() throws IOException {
        // No record epochs named: the mixing block records the end of the prefix (epoch 1) and the last (5) itself.
        TinyFarm farm = TinyFarm.in(dir).with("name=tiny-mixing", "model.width=4",
                "mixing={intrinsic-lrs = [0.04, 0.01], lr = 0.1, prefix-epochs = 1, epochs-after = 4, perturbation = 10}",
                "record-steps={from-epoch = 2, every = 2}", "trials=8", "bn-eval-batches=2");
        out = farm.out();
        runTheStudy(farm.experimentFile("tiny-mixing.conf"));
        readmeRun = runTheReadmeCommand();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        result = new MixingJob(new PrintStream(printed, true, StandardCharsets.UTF_8)).run(out.toString(),
                RESAMPLES);
        log = printed.toString(StandardCharsets.UTF_8);
    }

    /** {@code mixfarm run CONF --out OUT}: the farm, the TV job, the mixing job and the report. */
    private static void runTheStudy(Path conf) throws IOException {
        ByteArrayOutputStream jobs = new ByteArrayOutputStream();
        StringWriter command = new StringWriter();
        StringWriter errors = new StringWriter();
        PrintStream systemOut = System.out;
        System.setOut(new PrintStream(jobs, true, StandardCharsets.UTF_8)); // where run's jobs print
        try {
            runStatus = Mixfarm.commandLine().setOut(new PrintWriter(command, true))
                    .setErr(new PrintWriter(errors, true)).execute("run", conf.toString(), "--out", out.toString());
        } finally {
            System.setOut(systemOut);
        }
        runLog = jobs.toString(StandardCharsets.UTF_8) + command;
        assertEquals(0, runStatus, runLog + errors);
        runCsv = Files.readAllLines(out.resolve(MixingTables.SUMMARY.csvFile()));
    }

    /**
     * Runs README.md's {@code ./submit/mixfarm mixing} line through the CLI, on the test's folder and with its
     * optional arguments given: returns the arguments, the exit status and the summary CSV's lines.
     */
    private static List<String> runTheReadmeCommand() {
        try {
            Matcher line = Pattern.compile("`\\./submit/mixfarm (mixing [^`]*)`")
                    .matcher(Files.readString(Path.of("..", "README.md")));
            assertTrue(line.find(), "README.md shows no ./submit/mixfarm mixing line");
            String[] args = line.group(1).replace("[", "").replace("]", "")
                    .replace("runs/mnist-mixing-sample", out.toString()).split(" ");
            int status = Mixfarm.commandLine().execute(args);
            List<String> run = new ArrayList<>(List.of(String.join(" ", args), Integer.toString(status)));
            run.addAll(Files.readAllLines(out.resolve(MixingTables.SUMMARY.csvFile())));
            return run;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void oneRowPerIntrinsicLrWithTheDocumentedValues() {
        assertEquals(List.of(0.04, 0.01), result.summary().stream().map(MixingSummaryRow::lambdaE).toList());
        for (MixingSummaryRow row : result.summary()) {
            // The mixing block makes P-l fork from R-l: trial k of both shares its prefix, a paired design.
            assertEquals(Design.PAIRED, row.design());
            assertEquals(8, row.pairs());
            assertEquals(4 * row.lambdaE(), row.ratePredicted(), 1e-15);
            // A clock that did not settle within the 4 recorded epochs is NaN; one that did lies in its interval,
            // in steps after the perturbation (5 per epoch: 300 images in batches of 64), within the recorded ones;
            // an end of the interval among unsettled resamples is NaN, never infinite.
            for (double[] clock : List.of(new double[]{row.tmix(), row.tmixLow(), row.tmixHigh()},
                    new double[]{row.normClock(), row.normClockLow(), row.normClockHigh()})) {
                if (!Double.isNaN(clock[0])) {
                    assertTrue(clock[0] >= 0 && clock[0] <= 20, "time " + clock[0]);
                    assertTrue(Double.isNaN(clock[1]) || clock[1] <= clock[0], row.toString());
                    assertTrue(Double.isNaN(clock[2]) || clock[0] <= clock[2], row.toString());
                }
                assertFalse(Double.isInfinite(clock[1]) || Double.isInfinite(clock[2]), row.toString());
            }
            // Equation (12): gamma = effective LR^-2 relaxes at 4 lambda_e per step (plain SGD's recursion at about
            // -4 ln(1 - lambda_e), a few % above). Measured here on real training, through the job's effective LRs
            // and step axis: a wrong steps-per-epoch, epoch or branch would miss it by far.
            assertEquals(1.0, row.rateMeasured() / row.ratePredicted(), 0.1, row.toString());
        }
        assertEquals(List.of(Clock.FUNCTION_SPACE, Clock.NORM), result.laws().stream().map(MixingStudyRow::clock)
                .toList());
        assertTrue(log.contains("pairs 0.04 8, 0.01 8"), log);
    }

    @Test
    void theJobReadsEveryRecordPointFromTheEndOfThePrefixOn() throws SQLException {
        // Every step at which the trials predicted, from the end of epoch 1 (step 5) on, as DuckDB reads the files:
        // epoch ends (5, 15, 25) and points inside epochs alike.
        List<String> recorded = new ArrayList<>();
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
             Statement statement = db.createStatement();
             ResultSet rows = statement.executeQuery("SELECT DISTINCT step - " + STEPS_PER_EPOCH + " FROM read_parquet('"
                     + out + "/predictions/**/*.parquet', hive_partitioning = true) WHERE step >= "
                     + STEPS_PER_EPOCH + " ORDER BY 1")) {
            while (rows.next()) {
                recorded.add(Long.toString(rows.getLong(1)));
            }
        }
        assertEquals(List.of("0", "2", "4", "6", "8", "10", "12", "14", "16", "18", "20"), recorded);
        assertTrue(log.contains("11 record points from it, at steps after it [" + String.join(", ", recorded) + "]"),
                log);
    }

    @Test
    void theEffectiveLrsAreTheMetricsAtEpochEndsAndTheStepMetricsInside() throws SQLException {
        List<RecordPoint> points = List.of(RecordPoint.endOf(1, 5), RecordPoint.at(7, 5), RecordPoint.endOf(3, 5),
                RecordPoint.at(17, 5), RecordPoint.endOf(5, 5));
        List<Integer> trials = List.of(0, 3, 7);
        SparkSession spark = SparkSession.builder().appName("MixingJobTest").getOrCreate();
        double[][] series;
        try {
            series = MixingJob.series(MixingJob.effectiveLrs(spark, out.toString(), List.of("P-0.04"),
                    STEPS_PER_EPOCH, true), "P-0.04", trials, points);
        } finally {
            spark.stop();
        }
        String union = "SELECT trial, epoch * " + STEPS_PER_EPOCH + " AS step, effective_lr FROM read_parquet('" + out
                + "/metrics/schedule=P-0.04/*.parquet') UNION ALL SELECT trial, step, effective_lr FROM read_parquet('"
                + out + "/step_metrics/schedule=P-0.04/*.parquet')";
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
             Statement statement = db.createStatement()) {
            for (int k = 0; k < trials.size(); k++) {
                for (int i = 0; i < points.size(); i++) {
                    try (ResultSet row = statement.executeQuery("SELECT effective_lr FROM (" + union + ") WHERE trial = "
                            + trials.get(k) + " AND step = " + points.get(i).step())) {
                        assertTrue(row.next(), "a row at step " + points.get(i).step());
                        assertEquals(row.getDouble(1), series[k][i], 0.0, "trial " + trials.get(k) + " at "
                                + points.get(i));
                        assertFalse(row.next(), "one row at step " + points.get(i).step());
                    }
                }
            }
        }
    }

    @Test
    void theEquilibriumCheckIsTheTvBetweenTheReferenceAtThePrefixAndAtItsEnd() throws SQLException {
        for (MixingSummaryRow row : result.summary()) {
            String reference = "R-" + (row.lambdaE() == 0.04 ? "0.04" : "0.01");
            // The plug-in TV between the 8 trials' class frequencies at step 5 (epoch 1) and step 25 (epoch 5).
            double tv;
            try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
                 Statement statement = db.createStatement();
                 ResultSet value = statement.executeQuery("WITH f AS (SELECT step, image, predicted, count(*) / 8.0 AS "
                         + "f FROM read_parquet('" + out + "/predictions/schedule=" + reference + "/*.parquet') WHERE "
                         + "step IN (5, 25) GROUP BY ALL), d AS (SELECT image, predicted, sum(CASE WHEN step = 5 THEN "
                         + "f ELSE -f END) AS d FROM f GROUP BY ALL) SELECT sum(abs(d)) / 2 / 100 FROM d")) {
                value.next();
                tv = value.getDouble(1);
            }
            assertEquals(tv, row.equilibriumTv(), 1e-12, row.toString());
            assertTrue(row.equilibriumFloor() > 0 && row.equilibriumP() > 0 && row.equilibriumP() <= 1,
                    row.toString());
            String verdict = row.equilibrium() == Equilibrium.REACHED ? reference + " at equilibrium by epoch 1: TV "
                    : reference + " NOT at equilibrium at epoch 1: TV ";
            assertTrue(log.contains(verdict + String.format(Locale.ROOT, "%.4f", row.equilibriumTv())), log);
        }
    }

    @Test
    void mixfarmRunOfAStudyRunsTheMixingJobBetweenTheTvJobAndTheReport() {
        assertEquals(0, runStatus, runLog);
        int tv = runLog.indexOf("/tv_summary (");
        int mixing = runLog.indexOf("mixfarm mixing tiny-mixing:");
        int report = runLog.indexOf("report.html");
        assertTrue(0 <= tv && tv < mixing && mixing < report, runLog);
        assertTrue(runCsv.contains("# mixfarm.mixing.resamples=" + MixingJob.DEFAULT_RESAMPLES), runCsv.toString());
        assertEquals(String.join(",", MixingTables.SUMMARY.columnNames()), runCsv.stream()
                .filter(l -> l.startsWith("lambda_e,")).findFirst().orElseThrow());
    }

    @Test
    void onlyAStudyIsOne() {
        assertTrue(MixingJob.studyOf(ExperimentFolder.at(out.toString(), new Configuration()).recordedConfig())
                .isPresent());
        // Plain configs: mixfarm run does what it did (farm, TV job, report).
        for (String plain : List.of("mnist-sample.conf", "mnist-tiny.conf", "mnist-paper.conf")) {
            assertFalse(MixingJob.studyOf(ExperimentConfig.load(Path.of("..", "conf", plain), List.of())).isPresent(),
                    plain);
        }
    }

    @Test
    void theParquetTablesHoldTheRowsAndTheCsvFilesEqualThem() throws IOException {
        SparkSession spark = SparkSession.builder().appName("MixingJobTest").getOrCreate();
        try {
            assertTablesEqual(spark, MixingTables.SUMMARY, result.summary());
            assertTablesEqual(spark, MixingTables.LAWS, result.laws());
        } finally {
            spark.stop();
        }
    }

    private static <R extends Record> void assertTablesEqual(SparkSession spark, TvTable<R> table, List<R> rows)
            throws IOException {
        List<Row> parquet = spark.read().parquet(out.resolve(table.name()).toString()).collectAsList();
        // Records compare doubles with Double.compare, so NaN equals NaN here.
        assertEquals(rows, parquet.stream().map(table::read).toList());
        List<String> csv = Files.readAllLines(out.resolve(table.csvFile()), StandardCharsets.UTF_8);
        assertTrue(csv.contains("# mixfarm.mixing.resamples=" + RESAMPLES), csv.toString());
        List<String> body = csv.stream().filter(line -> !line.startsWith("#")).toList();
        assertEquals(String.join(",", table.columnNames()), body.get(0));
        assertEquals(parquet.size(), body.size() - 1);
        for (int i = 0; i < parquet.size(); i++) {
            String[] fields = body.get(i + 1).split(",", -1);
            assertEquals(table.columnNames().size(), fields.length, body.get(i + 1));
            for (int c = 0; c < fields.length; c++) {
                Object value = parquet.get(i).get(parquet.get(i).fieldIndex(table.columnNames().get(c)));
                if (value instanceof Double d) {
                    // NaN is an empty field; every other double is written so that it parses back exactly.
                    assertEquals(d, fields[c].isEmpty() ? Double.NaN : Double.parseDouble(fields[c]), fields[c]);
                } else {
                    assertEquals(String.valueOf(value), fields[c]);
                }
            }
        }
    }

    @Test
    void theReadmeLineRunsTheJob() {
        assertEquals("mixing --out " + out + " --resamples 200", readmeRun.get(0));
        assertEquals("0", readmeRun.get(1));
        assertTrue(readmeRun.contains("# mixfarm.mixing.resamples=200"), readmeRun.toString());
        assertEquals(String.join(",", MixingTables.SUMMARY.columnNames()), readmeRun.stream()
                .filter(l -> l.startsWith("lambda_e,")).findFirst().orElseThrow());
    }

    @Test
    void theReportDrawsTheScalingLawFromTheTablesWhenATimeSettled() throws IOException {
        ReportFiles files = new ReportJob(new PrintStream(new ByteArrayOutputStream(), true)).run(out.toString());
        // A clock's time is drawn where it settled (on a log axis: positive); with none, the chart has nothing.
        boolean settled = result.summary().stream().anyMatch(r -> r.tmix() > 0 || r.normClock() > 0);
        assertEquals(settled, Files.readString(files.html()).contains("Mixing time against 1/λ_e"), result.toString());
        assertEquals(!settled, files.skipped().contains("mixing_law: no finite values to draw"),
                files.skipped().toString());
    }

    @Test
    void aFolderThatIsNotAMixingStudyIsRefusedInOneLine() {
        Path other = dir.resolve("plain");
        ExperimentConfig plain = ExperimentConfig.load(null, List.of("name=plain", "output=\"" + other + "\""));
        // A folder as the farm leaves it before its first trial: claimed, its config recorded.
        ExperimentFolder folder = ExperimentFolder.at(other.toString(), new Configuration());
        folder.claim(plain, false);
        folder.recordRun(plain.name(), Provenance.experiment(plain.render(), plain.hash(),
                ExperimentFolder.identityHash(plain), "none", "none"));
        ExperimentException refused = assertThrows(ExperimentException.class,
                () -> new MixingJob(new PrintStream(new ByteArrayOutputStream(), true)).run(other.toString(), 10));
        assertEquals(other + " is not a mixing study: its config has no mixing block (its schedules are "
                + plain.scheduleNames() + "); mixfarm tv compares any schedules", refused.getMessage());
        assertFalse(refused.getMessage().contains("\n"));
    }
}
