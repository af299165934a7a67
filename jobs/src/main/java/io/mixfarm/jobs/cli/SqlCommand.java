package io.mixfarm.jobs.cli;

import io.mixfarm.jobs.experiment.ExperimentFolder;
import io.mixfarm.jobs.sql.ResultPrinter;
import io.mixfarm.jobs.sql.SqlQuery;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.Locale;
import java.util.concurrent.Callable;

/** Read-only Spark SQL over an experiment's outputs. */
@Command(name = "sql", mixinStandardHelpOptions = true,
        description = {"Run a read-only Spark SQL query over an output folder.",
                "Views: predictions, metrics (trials that succeeded), predictions_all, metrics_all (every file),",
                "trials, tv_summary, tv_by_image (those that exist)."})
final class SqlCommand implements Callable<Integer> {

    @Spec
    private CommandSpec command;

    @Parameters(index = "0", paramLabel = "QUERY", description = "e.g. \"SELECT schedule, count(*) FROM trials GROUP BY 1\"")
    private String query;

    @Mixin
    private OutputFolder out;

    @Option(names = "--format", defaultValue = "table", description = "table, csv or json (default: ${DEFAULT-VALUE}).")
    private String format;

    @Override
    public Integer call() {
        ResultPrinter.Format chosen;
        try {
            chosen = ResultPrinter.Format.valueOf(format.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--format must be table, csv or json, got " + format, e);
        }
        ExperimentFolder.at(out.path, new Configuration()); // one line for a path that is a file, before Spark starts
        SparkSession spark = SparkSession.builder().appName("mixfarm sql").getOrCreate();
        try {
            SqlQuery.checkReadOnly(spark, query);
            if (SqlQuery.registerViews(spark, out.path).isEmpty()) {
                throw new IllegalArgumentException(out.path + " holds no mixfarm outputs (no predictions/, metrics/, trials/)");
            }
            ResultPrinter.print(SqlQuery.run(spark, query), chosen, command.commandLine().getOut());
            return 0;
        } finally {
            spark.stop();
        }
    }
}
