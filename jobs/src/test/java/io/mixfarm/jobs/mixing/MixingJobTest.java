package io.mixfarm.jobs.mixing;

import io.mixfarm.analysis.mixing.Clock;
import io.mixfarm.analysis.mixing.MixingStudyRow;
import io.mixfarm.analysis.mixing.MixingSummaryRow;
import io.mixfarm.analysis.report.ReportFiles;
import io.mixfarm.analysis.tv.Design;
import io.mixfarm.core.data.Dataset;
import io.mixfarm.core.data.EmbeddedSample;
import io.mixfarm.core.data.IdxWriter;
import io.mixfarm.jobs.cli.Mixfarm;
import io.mixfarm.jobs.config.ExperimentConfig;
import io.mixfarm.jobs.experiment.ExperimentException;
import io.mixfarm.jobs.experiment.ExperimentFolder;
import io.mixfarm.jobs.experiment.Provenance;
import io.mixfarm.jobs.farm.FarmJob;
import io.mixfarm.jobs.farm.FarmOptions;
import io.mixfarm.jobs.report.ReportJob;
import io.mixfarm.jobs.tv.TvTable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A tiny mixing study trained by the real farm in local Spark (2 intrinsic LRs, 8 trials per schedule, a width-4
 * CNN on a 300/100 slice of the embedded sample, T0 = 1 epoch and 4 after it), analysed by the job.
 */
class MixingJobTest {

    private static final int RESAMPLES = 50;

    @TempDir
    static Path dir;
    private static Path out;
    private static String log;
    private static MixingJob.MixingResult result;
    /** The README's {@code mixfarm mixing} line as run, its exit status and the summary CSV it wrote. */
    private static List<String> readmeRun;

    @BeforeAll
    static void farmAndAnalyse() {
        Dataset sample = EmbeddedSample.load();
        Path data = dir.resolve("data");
        IdxWriter.writeFolder(data, new Dataset("slice", sample.train().slice(0, 300), sample.test().slice(0, 100)));
        out = dir.resolve("out");
        System.setProperty("spark.master", "local[2]");
        System.setProperty("spark.ui.enabled", "false");
        new FarmJob(new PrintStream(new ByteArrayOutputStream(), true)).run(ExperimentConfig.load(null, List.of(
                "name=tiny-mixing", "data=\"mnist:" + data + "\"", "model.width=4", "batch-size=64",
                "mixing.intrinsic-lrs=[0.04, 0.01]", "mixing.lr=0.1", "mixing.prefix-epochs=1",
                "mixing.epochs-after=4", "mixing.perturbation=10",
                "record-epochs=[1, 2, 3, 4, 5]", "trials=8", "bn-eval-batches=2", "output=\"" + out + "\"")),
                FarmOptions.DEFAULT);
        readmeRun = runTheReadmeCommand();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        result = new MixingJob(new PrintStream(printed, true, StandardCharsets.UTF_8)).run(out.toString(),
                RESAMPLES);
        log = printed.toString(StandardCharsets.UTF_8);
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

    @AfterAll
    static void clearMaster() {
        System.clearProperty("spark.master");
        System.clearProperty("spark.ui.enabled");
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
            // in steps after the perturbation (5 per epoch: 300 images in batches of 64), within the recorded ones.
            for (double[] clock : List.of(new double[]{row.tmix(), row.tmixLow(), row.tmixHigh()},
                    new double[]{row.normClock(), row.normClockLow(), row.normClockHigh()})) {
                if (!Double.isNaN(clock[0])) {
                    assertTrue(clock[0] >= 0 && clock[0] <= 20, "time " + clock[0]);
                    assertTrue(clock[1] <= clock[0] && clock[0] <= clock[2], row.toString());
                }
            }
            // Equation (12): gamma = effective LR^-2 relaxes at 4 lambda_e per step (plain SGD's recursion at about
            // -4 ln(1 - lambda_e), a few % above). Measured here on real training, through the job's effective LRs
            // and step axis: a wrong steps-per-epoch, epoch or branch would miss it by far.
            assertEquals(1.0, row.rateMeasured() / row.ratePredicted(), 0.1, row.toString());
        }
        assertEquals(List.of(Clock.FUNCTION_SPACE, Clock.NORM), result.laws().stream().map(MixingStudyRow::clock)
                .toList());
        assertTrue(log.contains("steps after it [5.0, 10.0, 15.0, 20.0]"), log);
        assertTrue(log.contains("pairs 0.04 8, 0.01 8"), log);
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
