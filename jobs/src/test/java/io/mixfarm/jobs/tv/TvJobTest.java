package io.mixfarm.jobs.tv;

import io.mixfarm.analysis.report.ReportFiles;
import io.mixfarm.analysis.tv.PredictionMatrix;
import io.mixfarm.analysis.tv.TvSummaryRow;
import io.mixfarm.jobs.cli.Mixfarm;
import io.mixfarm.jobs.experiment.ExperimentFolder;
import io.mixfarm.jobs.farm.Duck;
import io.mixfarm.jobs.farm.TinyFarm;
import io.mixfarm.jobs.report.ReportJob;
import io.mixfarm.jobs.store.ExperimentStore;
import io.mixfarm.jobs.store.EpochOnlyLayout;
import io.mixfarm.jobs.store.PerEpochLayout;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Spark TV job against an independent computation of the same per-image TV, as one DuckDB query. */
@ExtendWith(TinyFarm.LocalSpark.class)
class TvJobTest {

    /** Enough for the p-value to sit within a few binomial standard errors of the exact permutation p. */
    private static final int PERMUTATIONS = 4999;

    @TempDir
    static Path dir;
    private static Path out;
    private static TvJob.TvResult result;

    @BeforeAll
    static void farmAndEstimate() {
        out = TinyFarm.run(dir, 4);
        result = new TvJob(new PrintStream(new ByteArrayOutputStream(), true))
                .run(out.toString(), new TvOptions(PERMUTATIONS, 5, List.of()));
    }

    /** Per-image TV of every pair and record epoch, computed from the predictions by DuckDB alone. */
    private static final String DUCKDB_TV = duckDbTv("epoch");

    /**
     * The same, per pair and record point named by {@code key}: {@code epoch} (one point per epoch), or {@code step}.
     * A template with the experiment folder as {@code %1$s}.
     */
    static String duckDbTv(String key) {
        return """
            WITH done AS (SELECT schedule, trial FROM read_parquet('%1$s/trials/**/*.parquet', hive_partitioning=true)
                          WHERE status = 'succeeded'),
            p AS (SELECT p.* FROM read_parquet('%1$s/predictions/**/*.parquet', hive_partitioning=true) p
                  SEMI JOIN done USING (schedule, trial)),
            n AS (SELECT schedule, KEY, count(DISTINCT trial) AS trials FROM p GROUP BY ALL),
            q AS (SELECT schedule, KEY, image, predicted, count(*)::DOUBLE / any_value(n.trials) AS q
                  FROM p JOIN n USING (schedule, KEY) GROUP BY ALL),
            pairs AS (SELECT DISTINCT x.schedule AS a, y.schedule AS b FROM n x, n y WHERE x.schedule < y.schedule),
            cells AS (SELECT DISTINCT KEY, image, predicted FROM q)
            SELECT pairs.a, pairs.b, cells.KEY, cells.image,
                   0.5 * sum(abs(coalesce(qa.q, 0) - coalesce(qb.q, 0))) AS tv
            FROM pairs CROSS JOIN cells
            LEFT JOIN q qa ON qa.schedule = pairs.a AND qa.KEY = cells.KEY AND qa.image = cells.image
                          AND qa.predicted = cells.predicted
            LEFT JOIN q qb ON qb.schedule = pairs.b AND qb.KEY = cells.KEY AND qb.image = cells.image
                          AND qb.predicted = cells.predicted
            GROUP BY ALL
            """.replace("KEY", key);
    }

    @Test
    void perImageTvEqualsAnIndependentDuckDbComputationToOneInATrillion() throws SQLException {
        String sql = "WITH duck AS (" + DUCKDB_TV.formatted(out) + "), "
                + "spark AS (SELECT * FROM read_parquet('" + out + "/tv_by_image/*.parquet')) "
                + "SELECT count(*), max(abs(duck.tv - spark.tv)), sum(CASE WHEN spark.tv IS NULL THEN 1 ELSE 0 END) "
                + "FROM duck LEFT JOIN spark ON least(spark.a, spark.b) = duck.a AND greatest(spark.a, spark.b) = duck.b "
                + "AND spark.epoch = duck.epoch AND spark.image = duck.image";
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
             Statement statement = db.createStatement();
             ResultSet row = statement.executeQuery(sql)) {
            row.next();
            assertEquals(2 * 100, row.getLong(1), "one pair x 2 record epochs x 100 test images");
            assertEquals(0, row.getLong(3), "every image DuckDB knows has a Spark row");
            assertTrue(row.getDouble(2) <= 1e-12, "max difference " + row.getDouble(2));
        }
    }

    @Test
    void theSummaryUsesEveryFinishedTrialAndItsMeanIsTheMeanOfThePerImageTv() throws SQLException, IOException {
        assertEquals(4, result.trialsUsed().get("low"));
        assertEquals(4, result.trialsUsed().get("high"));
        for (int epoch : List.of(1, 2)) {
            List<TvSummaryRow> rows = result.summary().stream().filter(r -> r.epoch() == epoch).toList();
            // One phase (no schedule changes), so the TV-against-n curve comes at its last record epoch only.
            assertEquals(epoch == 2 ? List.of(1, 2, 4) : List.of(4), rows.stream().map(TvSummaryRow::n).toList(),
                    "n = 1, 2, then all 4 at the curve's epoch; all 4 only at the other");
            TvSummaryRow all = rows.get(rows.size() - 1);
            assertEquals(4, all.trialsA());
            double duck = Duck.scalar("SELECT avg(tv) FROM (" + DUCKDB_TV.formatted(out) + ") WHERE epoch = " + epoch);
            assertEquals(duck, all.tv(), 1e-12);
            // The interval's upper end is the plug-in plus a margin; below 4 trials per schedule there is none.
            assertTrue(0 <= all.ciLow() && all.ciLow() <= all.ciHigh() && all.tv() < all.ciHigh(), all.toString());
            assertTrue(rows.stream().filter(r -> r.n() < 4).allMatch(r -> Double.isNaN(r.ciLow())
                    && Double.isNaN(r.ciHigh())), rows.toString());
            assertEquals(all.tv() - all.nullMean(), all.correctedTv(), 1e-12);
            assertTrue(all.allTrials(), all.toString());
            assertEquals(1, rows.stream().filter(TvSummaryRow::allTrials).count(), "one all-trials row per pair");
            // Figure 3b's baseline, independently: DuckDB's mean test error per schedule over succeeded trials, summed.
            double baseline = Duck.scalar("WITH done AS (SELECT schedule, trial FROM read_parquet('" + out
                    + "/trials/**/*.parquet', hive_partitioning=true) WHERE status = 'succeeded'), "
                    + "e AS (SELECT schedule, avg(test_error) AS e FROM read_parquet('" + out
                    + "/metrics/**/*.parquet', hive_partitioning=true) m SEMI JOIN done USING (schedule, trial) "
                    + "WHERE epoch = " + epoch + " GROUP BY schedule HAVING count(*) = 4) "
                    + "SELECT CASE WHEN count(*) = 2 THEN sum(e) END FROM e");
            for (TvSummaryRow row : rows) {
                assertEquals(baseline, row.baseline(), 1e-12, row.toString());
            }
        }
        // One family per run: the two all-trials rows (one per epoch), and nothing else, get a Holm p-value.
        List<TvSummaryRow> family = result.summary().stream().filter(TvSummaryRow::allTrials).toList();
        double[] holm = io.mixfarm.analysis.tv.Holm.adjust(family.stream().mapToDouble(TvSummaryRow::pValue).toArray());
        for (int i = 0; i < family.size(); i++) {
            assertEquals(holm[i], family.get(i).pHolm(), 0, family.get(i).toString());
        }
        assertTrue(result.summary().stream().filter(r -> !r.allTrials()).allMatch(r -> Double.isNaN(r.pHolm())));
        // After the provenance's # lines (TvOutputsTest), the header and one line per row.
        List<String> csv = Files.readAllLines(out.resolve("tv_summary.csv")).stream()
                .dropWhile(line -> line.startsWith("#")).toList();
        assertTrue(csv.get(0).startsWith("epoch,a,b,n,trials_a"), csv.get(0));
        assertTrue(csv.get(0).endsWith(",design,step"), csv.get(0));
        // 300 training images in batches of 64: 5 steps per epoch, so epoch e ends at step 5 e.
        assertTrue(result.summary().stream().allMatch(r -> r.step() == 5L * r.epoch()), result.summary().toString());
        assertEquals(result.summary().size() + 1, csv.size());
    }

    /**
     * A farm written in the per-epoch layout of earlier versions gives the same estimates, bit for bit, and its
     * tv_by_image matches DuckDB's computation from its own files. Asking for the curve at epoch 1 too adds those
     * rows and leaves every other row as it was (each row's draws depend on its own address only).
     */
    @Test
    void aFolderOfThePerEpochLayoutGivesTheSameEstimates(@TempDir Path copy) throws IOException, SQLException {
        TinyFarm.copy(out, copy);
        PerEpochLayout.rewrite(copy);
        assertTrue(Files.isDirectory(copy.resolve("predictions/schedule=low/epoch=1")));
        TvJob.TvResult old = new TvJob(new PrintStream(new ByteArrayOutputStream(), true))
                .run(copy.toString(), new TvOptions(PERMUTATIONS, 5, List.of(), List.of(1, 2)));
        assertEquals(List.of(1, 2, 4), old.summary().stream().filter(r -> r.epoch() == 1).map(TvSummaryRow::n)
                .toList());
        List<TvSummaryRow> allButTheNewCurve = old.summary().stream().filter(r -> r.epoch() == 2 || r.n() == 4)
                .toList();
        // Bit for bit but the baseline: Spark's avg over the metrics files may sum in another order (last ulp).
        assertEquals(withoutBaseline(result.summary()), withoutBaseline(allButTheNewCurve));
        for (int k = 0; k < result.summary().size(); k++) {
            assertEquals(result.summary().get(k).baseline(), allButTheNewCurve.get(k).baseline(), 1e-12);
        }
        assertEquals(2 * 100L, Duck.count("SELECT count(*) FROM read_parquet('" + copy
                + "/tv_by_image/*.parquet')"));
        assertTrue(Duck.scalar("SELECT max(abs(d.tv - s.tv)) FROM (" + DUCKDB_TV.formatted(copy) + ") d JOIN "
                + "read_parquet('" + copy + "/tv_by_image/*.parquet') s USING (epoch, image)") <= 1e-12);
    }

    /**
     * A farm written before record points had steps (per-trial files without a step column or steps per epoch)
     * gives the same estimates, with step null, and its tv_by_image matches DuckDB's computation from its files.
     */
    @Test
    void aFolderWrittenBeforeStepsGivesTheSameEstimatesWithoutSteps(@TempDir Path copy)
            throws IOException, SQLException {
        TinyFarm.copy(out, copy);
        EpochOnlyLayout.rewrite(copy);
        TvJob.TvResult old = new TvJob(new PrintStream(new ByteArrayOutputStream(), true))
                .run(copy.toString(), new TvOptions(PERMUTATIONS, 5, List.of()));
        assertTrue(old.summary().stream().allMatch(r -> r.step() == null), old.summary().toString());
        assertEquals(withoutBaseline(result.summary()), withoutBaseline(old.summary()));
        assertEquals(2 * 100L, Duck.count("SELECT count(*) FROM read_parquet('" + copy
                + "/tv_by_image/*.parquet') WHERE step IS NULL"));
        assertTrue(Duck.scalar("SELECT max(abs(d.tv - s.tv)) FROM (" + DUCKDB_TV.formatted(copy) + ") d JOIN "
                + "read_parquet('" + copy + "/tv_by_image/*.parquet') s USING (epoch, image)") <= 1e-12);
    }

    @Test
    void aBadCurveEpochIsOneLineBeforeAnyWork() {
        java.io.StringWriter err = new java.io.StringWriter();
        CommandLine cli = Mixfarm.commandLine();
        cli.setErr(new java.io.PrintWriter(err, true));
        int status = cli.execute("tv", "--out", out.toString(), "--n-epochs", "2,3");
        assertEquals(2, status);
        assertEquals(List.of("mixfarm: --n-epochs 3 is not a record epoch of tiny (record epochs [1, 2])"),
                err.toString().lines().toList());
    }

    @Test
    void theAllTrialsPValueMatchesAPermutationCountEnumeratedHere() throws SQLException {
        // With 4 trials per schedule there are C(8, 4) = 70 ways to split the 8 pooled trials into two groups of 4;
        // the exact permutation p-value is the share of splits whose TV is at least the observed one. The job draws
        // random splits, so its (1 + #{null >= tv}) / (1 + R) must lie within a few binomial standard errors of it.
        for (int epoch : List.of(1, 2)) {
            int[][] pooled = new int[8][];
            int next = 0;
            for (String schedule : List.of("low", "high")) {
                for (int trial = 0; trial < 4; trial++) {
                    pooled[next++] = predictions(schedule, trial, epoch);
                }
            }
            long observed = tvNumerator(pooled, 0b00001111);
            int atLeast = 0;
            int splits = 0;
            for (int mask = 0; mask < 1 << 8; mask++) {
                if (Integer.bitCount(mask) == 4) {
                    splits++;
                    atLeast += tvNumerator(pooled, mask) >= observed ? 1 : 0;
                }
            }
            assertEquals(70, splits);
            double exact = atLeast / (double) splits;
            int e = epoch;
            TvSummaryRow all = result.summary().stream().filter(r -> r.epoch() == e && r.allTrials()).findFirst()
                    .orElseThrow();
            assertEquals(observed / (2.0 * 4 * 100), all.tv(), 1e-12, "TV = numerator / (2 x 4 trials x 100 images)");
            double count = all.pValue() * (1 + PERMUTATIONS) - 1;
            assertEquals(Math.rint(count), count, 1e-6, "p = (1 + a whole count) / (1 + permutations): " + all);
            double tolerance = 4.5 * Math.sqrt(exact * (1 - exact) / PERMUTATIONS) + 1.0 / (1 + PERMUTATIONS);
            assertEquals(exact, all.pValue(), tolerance, "epoch " + epoch + ": " + atLeast + " of 70 splits reach the"
                    + " observed TV; " + all);
        }
    }

    @Test
    void withUnequalFinishedCountsThereIsExactlyOneAllTrialsRowPerEpochAndPair() {
        // 4 finished trials of a, 3 of b: the row of every trial has n = 3 but trials_a = 4, so the README's old
        // filter (n = trials_a AND n = trials_b) missed it and kept the n = 1, 2 rows instead.
        byte[][] rowsA = {{0, 1, 2}, {0, 1, 3}, {0, 2, 2}, {1, 1, 2}};
        byte[][] rowsB = {{0, 1, 2}, {4, 1, 2}, {0, 1, 5}};
        Map<String, PredictionMatrix> matrices = Map.of(
                "a", PredictionMatrix.of(10, new int[] {0, 1, 2, 3}, rowsA),
                "b", PredictionMatrix.of(10, new int[] {0, 1, 2}, rowsB));
        List<TvSummaryRow> rows = TvJob.estimateOne(matrices, new Comparison(3, "a", "b", 0.2, true), 1,
                new TvOptions(19, 3, List.of()));
        List<TvSummaryRow> all = rows.stream().filter(TvSummaryRow::allTrials).toList();
        assertEquals(1, all.size(), rows.toString());
        assertEquals(List.of(3, 4, 3), List.of(all.get(0).n(), all.get(0).trialsA(), all.get(0).trialsB()));
        assertEquals(List.of(1, 2), rows.stream().filter(r -> !r.allTrials()).map(TvSummaryRow::n).toList());
    }

    /** One trial's predicted class per test image, read by DuckDB. */
    private static int[] predictions(String schedule, int trial, int epoch) throws SQLException {
        int[] predicted = new int[100];
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
             Statement statement = db.createStatement();
             ResultSet rows = statement.executeQuery("SELECT image, predicted FROM read_parquet('" + out
                     + "/predictions/**/*.parquet', hive_partitioning=true) WHERE schedule = '" + schedule
                     + "' AND trial = " + trial + " AND epoch = " + epoch)) {
            int seen = 0;
            while (rows.next()) {
                predicted[rows.getInt(1)] = rows.getInt(2);
                seen++;
            }
            assertEquals(100, seen, schedule + "/" + trial + " at epoch " + epoch);
        }
        return predicted;
    }

    /**
     * Sum over images and classes of |count in group A - count in group B|, group A the trials in {@code mask}: with
     * equal groups of 4 it is the TV's numerator, in whole numbers, so ties compare exactly.
     */
    private static long tvNumerator(int[][] pooled, int mask) {
        long sum = 0;
        for (int image = 0; image < pooled[0].length; image++) {
            int[] difference = new int[256];
            for (int t = 0; t < pooled.length; t++) {
                difference[pooled[t][image]] += (mask >> t & 1) == 1 ? 1 : -1;
            }
            for (int d : difference) {
                sum += Math.abs(d);
            }
        }
        return sum;
    }

    @Test
    void theReportShowsTheFarmsMetricsAndTvFromTheFolderAlone() throws IOException {
        ReportFiles files = new ReportJob(new PrintStream(new ByteArrayOutputStream(), true)).run(out.toString());
        String html = Files.readString(files.html());
        assertEquals(out.resolve("report").resolve("report.html"), files.html());
        assertTrue(html.contains("<html") && html.contains("<svg"), "a static page with inline charts");
        assertTrue(html.contains("low vs high") || html.contains("high vs low"), "the pair's TV series");
        assertTrue(html.contains("tiny"), "the experiment's name");
        assertTrue(files.skipped().isEmpty(), files.skipped().toString());
        for (String chart : List.of("errors.png", "mixing_1.png", "norms.png", "effective_lr.png", "tv_vs_n_epoch2.png")) {
            assertTrue(Files.size(out.resolve("report").resolve(chart)) > 1000, chart);
        }
    }

    @Test
    void aTvSummaryWrittenBeforeAllTrialsExistedAsksForTheTvJobAgain(@TempDir Path copy)
            throws IOException, SQLException {
        TinyFarm.copy(out, copy);
        Path summary = copy.resolve("tv_summary");
        try (var files = Files.list(summary)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        execute("COPY (SELECT * EXCLUDE (all_trials, p_holm) FROM read_parquet('" + out
                + "/tv_summary/*.parquet')) TO '" + summary.resolve("part-0.parquet") + "' (FORMAT parquet)");
        IllegalArgumentException old = assertThrows(IllegalArgumentException.class,
                () -> new ReportJob(new PrintStream(new ByteArrayOutputStream(), true)).run(copy.toString()));
        assertEquals(copy + "/tv_summary was written by an older mixfarm (no all_trials column): run "
                + "./submit/mixfarm tv --out " + copy + " again", old.getMessage());
    }

    @Test
    void onAFarmStillRunningOnlyTrialsWithASucceededRowCount(@TempDir Path copy) throws IOException {
        // A trial still training may already have its predictions on disk but not its trials row (written last).
        TinyFarm.copy(out, copy);
        try (var rows = Files.list(copy.resolve("trials").resolve("schedule=high"))) {
            Path row = rows.filter(p -> p.getFileName().toString().equals("trial-00002.parquet")).findFirst()
                    .orElseThrow();
            Files.delete(row);
        }
        ExperimentStore store = new ExperimentStore(copy.toString(), new Configuration());
        Map<String, List<Integer>> finished = TvJob.finishedTrials(
                ExperimentFolder.at(copy.toString(), new Configuration()).recordedConfig(),
                store.census(),
                store.output());
        assertEquals(Map.of("low", List.of(0, 1, 2, 3), "high", List.of(0, 1, 3)), finished);
    }

    private static void execute(String sql) throws SQLException {
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
             Statement statement = db.createStatement()) {
            statement.execute(sql);
        }
    }

    /** Rows as text without the baseline, and without the step, which a folder of an earlier layout lacks. */
    private static List<String> withoutBaseline(List<TvSummaryRow> rows) {
        return rows.stream().map(r -> r.withStep(null).toString().replaceAll("baseline=[^,]*", "baseline=?"))
                .toList();
    }
}
