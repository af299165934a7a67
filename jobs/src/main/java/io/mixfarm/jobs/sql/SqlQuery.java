package io.mixfarm.jobs.sql;

import io.mixfarm.jobs.store.TrialStatus;
import io.mixfarm.jobs.tv.TvTables;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalog.Table;
import org.apache.spark.sql.catalyst.plans.logical.Command;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import scala.jdk.javaapi.CollectionConverters;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static org.apache.spark.sql.functions.col;

/**
 * Read-only Spark SQL over an experiment's output folder: each dataset present ({@code predictions},
 * {@code metrics}, {@code trials}, {@code tv_summary}, {@code tv_by_image}) is a temporary view of that name.
 * {@code predictions} and {@code metrics} hold only the trials whose {@code trials/} row says succeeded, because a
 * trial that failed, diverged or is still running may have left files behind and is no sample of its schedule;
 * {@code predictions_all} and {@code metrics_all} are every file.
 */
public final class SqlQuery {

    /** Printed by {@code mixfarm run} after the farm: mean errors per schedule and epoch (figure 3a). */
    public static final String ERRORS_EXAMPLE = "SELECT schedule, epoch, avg(train_error) AS train, "
            + "avg(test_error) AS test, count(*) AS trials FROM metrics GROUP BY ALL ORDER BY ALL";

    /** Printed by {@code mixfarm run} after the TV job: the mixing curve, one row per record epoch and pair. */
    public static final String MIXING_EXAMPLE = "SELECT epoch, a, b, tv, corrected_tv, p_value, p_holm FROM tv_summary "
            + "WHERE all_trials ORDER BY ALL";

    /** The datasets of an output folder that become views, in the order they are documented. */
    private static final List<String> DATASETS = List.of("predictions", "metrics", "trials", TvTables.SUMMARY.name(),
            TvTables.BY_IMAGE.name());

    /** Datasets a trial writes before its {@code trials/} row: their default view keeps finished trials only. */
    private static final Set<String> PER_TRIAL = Set.of("predictions", "metrics");

    /** Suffix of the view of every file of a per-trial dataset. */
    private static final String ALL = "_all";

    /** Commands that only describe; everything else that is a command (or writes) is refused. */
    private static final Set<String> READ_ONLY_COMMANDS = Set.of("ShowTables", "ShowViews", "ShowColumns",
            "DescribeRelation", "DescribeColumn", "ShowFunctions", "DescribeFunction", "ShowTablesCommand",
            "ShowColumnsCommand", "DescribeTableCommand", "DescribeColumnCommand");

    private SqlQuery() {
    }

    /** Registers a view for each dataset of {@code output} that exists; returns their names. */
    public static List<String> registerViews(SparkSession spark, String output) {
        List<String> registered = new ArrayList<>();
        Dataset<Row> succeeded = null;
        if (exists(spark, output + "/trials")) {
            // The trials that are samples of their schedule (TrialStatus.isSample: the one rule TV and the report use).
            Object[] samples = Arrays.stream(TrialStatus.values()).filter(TrialStatus::isSample)
                    .map(TrialStatus::stored).toArray();
            succeeded = read(spark, output + "/trials").filter(col("status").isin(samples))
                    .select("schedule", "trial");
        }
        for (String dataset : DATASETS) {
            String location = output + "/" + dataset;
            if (!exists(spark, location)) {
                continue;
            }
            Dataset<Row> files = dataset.equals("trials") ? readMergingSchemas(spark, location) : read(spark, location);
            if (PER_TRIAL.contains(dataset)) {
                files.createOrReplaceTempView(dataset + ALL);
                Dataset<Row> finished = succeeded == null ? files.limit(0)
                        : files.join(succeeded, CollectionConverters.asScala(List.of("schedule", "trial")).toSeq(),
                                "left_semi");
                finished.createOrReplaceTempView(dataset);
                registered.add(dataset);
                registered.add(dataset + ALL);
            } else {
                files.createOrReplaceTempView(dataset);
                registered.add(dataset);
            }
        }
        return registered;
    }

    private static Dataset<Row> read(SparkSession spark, String location) {
        return spark.read().option("basePath", location).parquet(location);
    }

    /**
     * A dataset whose files may differ in columns: rows of {@code trials} written before the fingerprint columns
     * existed lack them, and Spark would otherwise take the schema of whichever file it reads first. Merging reads
     * every footer, which is cheap for {@code trials} (one small file per trial) and would not be for predictions.
     */
    private static Dataset<Row> readMergingSchemas(SparkSession spark, String location) {
        return spark.read().option("basePath", location).option("mergeSchema", "true").parquet(location);
    }

    /**
     * Parses {@code sql} and refuses anything that could change state (INSERT, CREATE, DROP, CACHE, SET, ...),
     * before it runs.
     */
    public static void checkReadOnly(SparkSession spark, String sql) {
        LogicalPlan plan;
        try {
            plan = spark.sessionState().sqlParser().parsePlan(sql);
        } catch (Exception e) { // ParseException is checked in Java's eyes
            throw new IllegalArgumentException("not valid SQL: " + firstLine(e.getMessage()), e);
        }
        String writer = findWriter(plan);
        if (writer != null) {
            throw new IllegalArgumentException("refused: mixfarm sql is read-only, and this statement is a "
                    + writer);
        }
    }

    private static String findWriter(LogicalPlan plan) {
        String name = plan.getClass().getSimpleName();
        boolean command = plan instanceof Command && !READ_ONLY_COMMANDS.contains(name);
        if (command || name.contains("Insert") || name.contains("CreateTable") || name.contains("Write")) {
            return name;
        }
        for (LogicalPlan child : CollectionConverters.asJava(plan.children())) {
            String found = findWriter(child);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    /**
     * Checks, then runs the query. A query Spark cannot analyse (an unknown view or column) fails with one line: for
     * an unknown view, the views that exist.
     */
    public static Dataset<Row> run(SparkSession spark, String sql) {
        checkReadOnly(spark, sql);
        try {
            return spark.sql(sql);
        } catch (Exception e) { // AnalysisException is checked in Java's eyes, though spark.sql declares nothing
            if (!(e instanceof AnalysisException analysis)) {
                throw e;
            }
            if ("TABLE_OR_VIEW_NOT_FOUND".equals(analysis.getCondition())) {
                List<String> views = spark.catalog().listTables().collectAsList().stream()
                        .filter(Table::isTemporary).map(Table::name).sorted().toList();
                throw new IllegalArgumentException("unknown table or view "
                        + analysis.getMessageParameters().getOrDefault("relationName", "") + "; the views here are "
                        + String.join(", ", views), e);
            }
            // Spark's own message goes on to print the query plan: keep its first line, which says what is wrong.
            throw new IllegalArgumentException("cannot run the query: " + firstLine(e.getMessage()), e);
        }
    }

    /** The first line of a Spark message that has text (Spark's parse errors start with a line break). */
    private static String firstLine(String message) {
        return message == null ? "" : message.lines().filter(line -> !line.isBlank()).findFirst().orElse("").strip();
    }

    private static boolean exists(SparkSession spark, String location) {
        Path path = new Path(location);
        try {
            FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
            return fs.exists(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
