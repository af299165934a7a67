package io.mixfarm.jobs.tv;

import io.mixfarm.analysis.report.ReportFiles;
import io.mixfarm.analysis.tv.TvSummaryRow;
import io.mixfarm.jobs.farm.FarmJob;
import io.mixfarm.jobs.farm.TinyFarm;
import io.mixfarm.jobs.report.ReportJob;
import io.mixfarm.jobs.store.ExperimentStore;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Spark TV job against an independent computation of the same per-image TV, as one DuckDB query. */
class TvJobTest {

    @TempDir
    static Path dir;
    private static Path out;
    private static TvJob.TvResult result;

    @BeforeAll
    static void farmAndEstimate() {
        out = TinyFarm.run(dir, 4);
        System.setProperty("spark.master", "local[2]");
        result = new TvJob(new PrintStream(new ByteArrayOutputStream(), true))
                .run(out.toString(), new TvOptions(49, 5, List.of()));
    }

    @AfterAll
    static void clearMaster() {
        System.clearProperty("spark.master");
    }

    /** Per-image TV of every pair and record epoch, computed from the predictions by DuckDB alone. */
    private static final String DUCKDB_TV = """
            WITH done AS (SELECT schedule, trial FROM read_parquet('%1$s/trials/**/*.parquet', hive_partitioning=true)
                          WHERE status = 'succeeded'),
            p AS (SELECT p.* FROM read_parquet('%1$s/predictions/**/*.parquet', hive_partitioning=true) p
                  SEMI JOIN done USING (schedule, trial)),
            n AS (SELECT schedule, epoch, count(DISTINCT trial) AS trials FROM p GROUP BY ALL),
            q AS (SELECT schedule, epoch, image, predicted, count(*)::DOUBLE / any_value(n.trials) AS q
                  FROM p JOIN n USING (schedule, epoch) GROUP BY ALL),
            pairs AS (SELECT DISTINCT x.schedule AS a, y.schedule AS b FROM n x, n y WHERE x.schedule < y.schedule),
            cells AS (SELECT DISTINCT epoch, image, predicted FROM q)
            SELECT pairs.a, pairs.b, cells.epoch, cells.image,
                   0.5 * sum(abs(coalesce(qa.q, 0) - coalesce(qb.q, 0))) AS tv
            FROM pairs CROSS JOIN cells
            LEFT JOIN q qa ON qa.schedule = pairs.a AND qa.epoch = cells.epoch AND qa.image = cells.image
                          AND qa.predicted = cells.predicted
            LEFT JOIN q qb ON qb.schedule = pairs.b AND qb.epoch = cells.epoch AND qb.image = cells.image
                          AND qb.predicted = cells.predicted
            GROUP BY ALL
            """;

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
            assertEquals(List.of(1, 2, 4), rows.stream().map(TvSummaryRow::n).toList(), "n = 1, 2, then all 4");
            TvSummaryRow all = rows.get(rows.size() - 1);
            assertEquals(4, all.trialsA());
            double duck = scalar("SELECT avg(tv) FROM (" + DUCKDB_TV.formatted(out) + ") WHERE epoch = " + epoch);
            assertEquals(duck, all.tv(), 1e-12);
            // The interval's upper end is the plug-in plus a margin; below 4 trials per schedule there is none.
            assertTrue(0 <= all.ciLow() && all.ciLow() <= all.ciHigh() && all.tv() < all.ciHigh(), all.toString());
            assertTrue(rows.subList(0, 2).stream().allMatch(r -> Double.isNaN(r.ciLow()) && Double.isNaN(r.ciHigh())),
                    rows.toString());
            assertTrue(all.pValue() > 0 && all.pValue() <= 1, all.toString());
            assertEquals(all.tv() - all.nullMean(), all.correctedTv(), 1e-12);
            assertTrue(all.baseline() > 0 && all.baseline() <= 2, all.toString());
        }
        assertTrue(Files.readString(out.resolve("tv_summary.csv")).startsWith("epoch,a,b,n,trials_a"));
        assertEquals(result.summary().size() + 1, Files.readAllLines(out.resolve("tv_summary.csv")).size());
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
        for (String chart : List.of("errors.png", "mixing.png", "norms.png", "effective_lr.png", "tv_vs_n_epoch2.png")) {
            assertTrue(Files.size(out.resolve("report").resolve(chart)) > 1000, chart);
        }
    }

    @Test
    void onAFarmStillRunningOnlyTrialsWithASucceededRowCount(@TempDir Path copy) throws IOException {
        // A trial still training may already have its predictions on disk but not its trials row (written last).
        try (var files = Files.walk(out)) {
            for (Path source : files.toList()) {
                Path target = copy.resolve(out.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
        try (var rows = Files.list(copy.resolve("trials").resolve("schedule=high"))) {
            Path row = rows.filter(p -> p.getFileName().toString().equals("trial-00002.parquet")).findFirst()
                    .orElseThrow();
            Files.delete(row);
        }
        ExperimentStore store = new ExperimentStore(copy.toString(), new Configuration());
        Map<String, List<Integer>> finished = TvJob.finishedTrials(FarmJob.recordedConfig(store), store);
        assertEquals(Map.of("low", List.of(0, 1, 2, 3), "high", List.of(0, 1, 3)), finished);
    }

    private static double scalar(String sql) throws SQLException {
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
             Statement statement = db.createStatement();
             ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getDouble(1);
        }
    }
}
