package io.mixfarm.jobs.sql;

import io.mixfarm.jobs.farm.TinyFarm;
import io.mixfarm.jobs.store.PerEpochLayout;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Views over a real farm output, and the read-only guard. */
class SqlQueryTest {

    @TempDir
    static Path dir;
    private static Path out;
    private static SparkSession spark;

    @BeforeAll
    static void farm() throws Exception {
        out = TinyFarm.run(dir, 2);
        // high/1 as if still running: its predictions and metrics are on disk, its trials row (written last) is not.
        Files.delete(out.resolve("trials/schedule=high/trial-00001.parquet"));
        spark = SparkSession.builder().master("local[1]").appName("sql-test").getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void viewsSeeEveryDatasetWithItsPartitionColumns() {
        assertEquals(List.of("predictions", "predictions_all", "metrics", "metrics_all", "trials"),
                SqlQuery.registerViews(spark, out.toString()));
        List<Row> rows = SqlQuery.run(spark, "SELECT schedule, epoch, count(*) AS n FROM predictions_all "
                + "GROUP BY schedule, epoch ORDER BY schedule, epoch").collectAsList();
        assertEquals(4, rows.size());
        assertEquals(200L, rows.get(0).getLong(2), "2 trials x 100 images");
        assertEquals(3L, SqlQuery.run(spark, "SELECT * FROM trials WHERE status = 'succeeded'").count());
    }

    @Test
    void predictionsAndMetricsHoldOnlyTrialsThatSucceeded() {
        SqlQuery.registerViews(spark, out.toString());
        for (String dataset : List.of("predictions", "metrics")) {
            assertEquals(List.of("high/0", "low/0", "low/1"), trials(dataset), dataset);
            assertEquals(List.of("high/0", "high/1", "low/0", "low/1"), trials(dataset + "_all"), dataset + "_all");
        }
        assertEquals(SqlQuery.run(spark, "SELECT * FROM predictions_all").columns().length,
                SqlQuery.run(spark, "SELECT * FROM predictions").columns().length, "the same columns");
    }

    private static List<String> trials(String view) {
        return SqlQuery.run(spark, "SELECT DISTINCT concat(schedule, '/', trial) FROM " + view + " ORDER BY 1")
                .collectAsList().stream().map(r -> r.getString(0)).toList();
    }

    @Test
    void aTypoAndAnUnknownViewAreOneLineSayingWhatIsWrong() {
        SqlQuery.registerViews(spark, out.toString());
        IllegalArgumentException typo = assertThrows(IllegalArgumentException.class,
                () -> SqlQuery.run(spark, "SELEC 1"));
        assertTrue(typo.getMessage().startsWith("not valid SQL: ") && typo.getMessage().contains("'SELEC'"),
                typo.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> SqlQuery.run(spark, "SELECT * FROM tv_sumary"));
        assertEquals("unknown table or view `tv_sumary`; the views here are metrics, metrics_all, predictions, "
                + "predictions_all, trials", unknown.getMessage());
        IllegalArgumentException column = assertThrows(IllegalArgumentException.class,
                () -> SqlQuery.run(spark, "SELECT no_such_column FROM trials"));
        assertTrue(column.getMessage().contains("no_such_column"), column.getMessage());
        for (IllegalArgumentException e : List.of(typo, unknown, column)) {
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        }
    }

    @Test
    void arraysMapsAndStructsPrintAsPlainValues() {
        var result = SqlQuery.run(spark, "SELECT array(1, 3, 0) AS counts, map('a', 1) AS m, "
                + "named_struct('x', 1, 's', 'b,c') AS st");
        StringWriter csv = new StringWriter();
        ResultPrinter.print(result, ResultPrinter.Format.CSV, new PrintWriter(csv));
        assertEquals(List.of("counts,m,st", "\"[1,3,0]\",\"{\"\"a\"\":1}\",\"{\"\"x\"\":1,\"\"s\"\":\"\"b,c\"\"}\""),
                csv.toString().lines().toList());
        StringWriter json = new StringWriter();
        ResultPrinter.print(result, ResultPrinter.Format.JSON, new PrintWriter(json));
        assertEquals("{\"counts\":[1,3,0],\"m\":{\"a\":1},\"st\":{\"x\":1,\"s\":\"b,c\"}}", json.toString().strip());
        StringWriter table = new StringWriter();
        ResultPrinter.print(result, ResultPrinter.Format.TABLE, new PrintWriter(table));
        assertTrue(table.toString().contains("[1,3,0]"), table.toString());
    }

    /** The views read a folder of the per-epoch layout of earlier versions alike, epoch still a column. */
    @Test
    void viewsReadAFolderOfThePerEpochLayoutAlike(@TempDir Path copy) throws Exception {
        TinyFarm.copy(out, copy);
        PerEpochLayout.rewrite(copy);
        String query = "SELECT schedule, epoch, trial, image, predicted, label FROM predictions ORDER BY ALL";
        SqlQuery.registerViews(spark, out.toString());
        List<Row> current = SqlQuery.run(spark, query).collectAsList();
        SqlQuery.registerViews(spark, copy.toString());
        assertEquals(current, SqlQuery.run(spark, query).collectAsList());
        // Finished trials (high/1 still runs, see farm()) x record epochs x images.
        assertEquals(3 * 2 * 100, current.size(), "finished trials x record epochs x images");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "INSERT INTO trials SELECT * FROM trials",
            "CREATE TABLE x AS SELECT * FROM trials",
            "DROP VIEW trials",
            "CACHE TABLE trials",
            "SET spark.sql.shuffle.partitions = 1",
            "CREATE TEMPORARY VIEW v AS SELECT 1",
            "INSERT OVERWRITE DIRECTORY '/tmp/x' SELECT 1"})
    void statementsThatWouldWriteAreRefusedBeforeTheyRun(String statement) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> SqlQuery.checkReadOnly(spark, statement));
        assertTrue(refused.getMessage().startsWith("refused: mixfarm sql is read-only"), refused.getMessage());
    }

    @Test
    void describingIsAllowedAndNothingWasWritten() throws Exception {
        SqlQuery.registerViews(spark, out.toString());
        SqlQuery.checkReadOnly(spark, "DESCRIBE predictions");
        SqlQuery.checkReadOnly(spark, "SHOW TABLES");
        SqlQuery.checkReadOnly(spark, "WITH t AS (SELECT * FROM trials) SELECT count(*) FROM t");
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(List.of("experiment.json", "metrics", "predictions", "trials"),
                    files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList());
        }
    }

    @Test
    void resultsPrintAsTableCsvAndJson() {
        SqlQuery.registerViews(spark, out.toString());
        var result = SqlQuery.run(spark, "SELECT schedule, count(*) AS trials FROM trials GROUP BY schedule ORDER BY schedule");
        StringWriter table = new StringWriter();
        ResultPrinter.print(result, ResultPrinter.Format.TABLE, new PrintWriter(table));
        assertTrue(table.toString().contains("schedule | trials") && table.toString().contains("(2 rows)"), table.toString());
        StringWriter csv = new StringWriter();
        ResultPrinter.print(result, ResultPrinter.Format.CSV, new PrintWriter(csv));
        assertEquals(List.of("schedule,trials", "high,1", "low,2"), csv.toString().lines().toList());
        StringWriter json = new StringWriter();
        ResultPrinter.print(result, ResultPrinter.Format.JSON, new PrintWriter(json));
        assertEquals("{\"schedule\":\"high\",\"trials\":1}", json.toString().lines().findFirst().orElse(""));
    }
}
