package io.mixfarm.jobs.sql;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.plans.logical.Command;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Read-only Spark SQL over an experiment's output folder: each dataset present ({@code predictions},
 * {@code metrics}, {@code trials}, {@code tv_summary}, {@code tv_by_image}) is a temporary view of that name.
 */
public final class SqlQuery {

    /** The views, in the order they are documented. */
    public static final List<String> VIEWS = List.of("predictions", "metrics", "trials", "tv_summary", "tv_by_image");

    /** Commands that only describe; everything else that is a command (or writes) is refused. */
    private static final Set<String> READ_ONLY_COMMANDS = Set.of("ShowTables", "ShowViews", "ShowColumns",
            "DescribeRelation", "DescribeColumn", "ShowFunctions", "DescribeFunction", "ShowTablesCommand",
            "ShowColumnsCommand", "DescribeTableCommand", "DescribeColumnCommand");

    private SqlQuery() {
    }

    /** Registers a view for each dataset of {@code output} that exists; returns their names. */
    public static List<String> registerViews(SparkSession spark, String output) {
        List<String> registered = new ArrayList<>();
        for (String view : VIEWS) {
            String location = output + "/" + view;
            if (exists(spark, location)) {
                spark.read().option("basePath", location).parquet(location).createOrReplaceTempView(view);
                registered.add(view);
            }
        }
        return registered;
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
            throw new IllegalArgumentException("not valid SQL: " + e.getMessage().lines().findFirst().orElse(""), e);
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
        for (LogicalPlan child : scala.jdk.javaapi.CollectionConverters.asJava(plan.children())) {
            String found = findWriter(child);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    /** Checks, then runs the query. */
    public static Dataset<Row> run(SparkSession spark, String sql) {
        checkReadOnly(spark, sql);
        return spark.sql(sql);
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
