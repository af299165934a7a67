package io.mixfarm.jobs.tv;

import io.mixfarm.analysis.report.ReportFiles;
import io.mixfarm.analysis.tv.Holm;
import io.mixfarm.analysis.tv.TvSummaryRow;
import io.mixfarm.jobs.farm.Duck;
import io.mixfarm.jobs.farm.TinyFarm;
import io.mixfarm.jobs.report.ReportJob;
import io.mixfarm.jobs.sql.SqlQuery;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real farm that records inside epochs, through the TV job, SQL and the report: every record point is one unit of
 * work, its estimates match DuckDB's independent computation, and its baseline comes from the metrics at that point.
 */
@ExtendWith(TinyFarm.LocalSpark.class)
class TvJobStepsTest {

    private static final int PERMUTATIONS = 199;

    @TempDir
    static Path dir;
    private static Path out;
    private static TvJob.TvResult result;

    @BeforeAll
    static void farmAndEstimate() {
        // 300 training images in batches of 64: 5 steps per epoch. From the start of epoch 2 (step 5, epoch 1's end)
        // every 2 steps: 5, 7, 9; with the ends of record epochs 1 and 2 the points are steps 5, 7, 9 and 10.
        out = TinyFarm.run(dir, 4, "record-steps.from-epoch=2", "record-steps.every=2");
        result = new TvJob(new PrintStream(new ByteArrayOutputStream(), true))
                .run(out.toString(), new TvOptions(PERMUTATIONS, 5, List.of()));
    }

    @Test
    void everyRecordPointGetsItsEstimatesAndTheyMatchDuckDbToOneInATrillion() throws SQLException {
        List<TvSummaryRow> all = result.summary().stream().filter(TvSummaryRow::allTrials).toList();
        assertEquals(List.of("1/5", "2/7", "2/9", "2/10"), all.stream().map(r -> r.epoch() + "/" + r.step())
                .toList(), "one all-trials row per record point, in step order");
        String duck = TvJobTest.duckDbTv("step").formatted(out);
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
             Statement statement = db.createStatement();
             ResultSet row = statement.executeQuery("WITH duck AS (" + duck + "), spark AS (SELECT * FROM "
                     + "read_parquet('" + out + "/tv_by_image/*.parquet')) SELECT count(*), max(abs(duck.tv - spark.tv)),"
                     + " sum(CASE WHEN spark.tv IS NULL THEN 1 ELSE 0 END) FROM duck LEFT JOIN spark ON "
                     + "least(spark.a, spark.b) = duck.a AND greatest(spark.a, spark.b) = duck.b "
                     + "AND spark.step = duck.step AND spark.image = duck.image")) {
            row.next();
            assertEquals(4 * 100, row.getLong(1), "one pair x 4 record points x 100 test images");
            assertEquals(0, row.getLong(3), "every image DuckDB knows has a Spark row");
            assertTrue(row.getDouble(2) <= 1e-12, "max difference " + row.getDouble(2));
        }
        for (TvSummaryRow r : all) {
            assertEquals(Duck.scalar("SELECT avg(tv) FROM (" + duck + ") WHERE step = " + r.step()), r.tv(), 1e-12,
                    r.toString());
        }
    }

    @Test
    void theCurveComesOnlyAtAnEpochsEndAndHolmCoversEveryPoint() {
        assertTrue(result.summary().stream().filter(r -> !r.allTrials()).allMatch(r -> r.step() == 10L),
                "the TV against n at the end of the last epoch only: " + result.summary());
        assertTrue(result.summary().stream().anyMatch(r -> !r.allTrials()), "and there it is");
        List<TvSummaryRow> family = result.summary().stream().filter(TvSummaryRow::allTrials).toList();
        double[] holm = Holm.adjust(family.stream().mapToDouble(TvSummaryRow::pValue).toArray());
        for (int i = 0; i < family.size(); i++) {
            assertEquals(holm[i], family.get(i).pHolm(), 0, family.get(i).toString());
        }
    }

    @Test
    void theBaselineOfAPointInsideAnEpochIsItsTestErrorsFromStepMetrics() throws SQLException {
        for (TvSummaryRow r : result.summary()) {
            boolean inside = r.step() % 5 != 0;
            String table = inside ? "step_metrics" : "metrics";
            String where = inside ? "step = " + r.step() : "epoch = " + r.epoch();
            double baseline = Duck.scalar("WITH done AS (SELECT schedule, trial FROM read_parquet('" + out
                    + "/trials/**/*.parquet', hive_partitioning=true) WHERE status = 'succeeded'), "
                    + "e AS (SELECT schedule, avg(test_error) AS e FROM read_parquet('" + out + "/" + table
                    + "/**/*.parquet', hive_partitioning=true) m SEMI JOIN done USING (schedule, trial) WHERE "
                    + where + " GROUP BY schedule HAVING count(*) = 4) SELECT CASE WHEN count(*) = 2 THEN sum(e) END"
                    + " FROM e");
            assertEquals(baseline, r.baseline(), 1e-12, r.toString());
        }
    }

    @Test
    void sqlSeesTheStepsAndTheReportDrawsTheMixingCurveAgainstThem() throws IOException {
        SparkSession spark = SparkSession.builder().master("local[1]").appName("steps-sql").getOrCreate();
        try {
            assertTrue(SqlQuery.registerViews(spark, out.toString()).containsAll(List.of("step_metrics",
                    "step_metrics_all")));
            assertEquals("[[2,7,8], [2,9,8]]", SqlQuery.run(spark, "SELECT epoch, step, count(*) FROM step_metrics "
                    + "GROUP BY ALL ORDER BY ALL").collectAsList().toString(), "4 trials x 2 schedules per point");
            List<Row> points = SqlQuery.run(spark, "SELECT DISTINCT epoch, step FROM predictions ORDER BY step")
                    .collectAsList();
            assertEquals("[[1,5], [2,7], [2,9], [2,10]]", points.toString());
            assertEquals("[[1,5], [2,10]]", SqlQuery.run(spark, "SELECT DISTINCT epoch, step FROM metrics ORDER BY "
                    + "step").collectAsList().toString(), "metrics: one row per epoch, at its last step");
        } finally {
            spark.stop();
        }
        ReportFiles files = new ReportJob(new PrintStream(new ByteArrayOutputStream(), true)).run(out.toString());
        String html = Files.readString(files.html());
        assertTrue(files.skipped().isEmpty(), files.skipped().toString());
        assertTrue(html.contains("Mixing curve: TV against the record point (SGD steps)"), "the section says so");
        assertTrue(html.contains("<td>2 (step 7)</td>"), "the verdict table names each point");
        assertTrue(Files.size(out.resolve("report").resolve("mixing_1.png")) > 1000);
    }
}
