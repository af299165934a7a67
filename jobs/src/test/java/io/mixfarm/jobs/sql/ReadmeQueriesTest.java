package io.mixfarm.jobs.sql;

import io.mixfarm.analysis.tv.TvSummaryRow;
import io.mixfarm.jobs.cli.Mixfarm;
import io.mixfarm.jobs.farm.TinyFarm;
import io.mixfarm.jobs.tv.TvJob;
import io.mixfarm.jobs.tv.TvOptions;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every query README.md shows runs, as written but for its folder, against a real farm output: the {@code ```sql}
 * blocks (DuckDB where they call {@code read_parquet}, else {@code mixfarm sql}) and the {@code ./submit/mixfarm sql}
 * command lines, each through the CLI. Each must return rows, with exactly the columns its SELECT names. A README
 * query that stops working fails the build.
 */
class ReadmeQueriesTest {

    private static final Path README = Path.of("..", "README.md");

    /** The output folders the README's queries name; each is rewritten to the test farm, and nothing else is. */
    private static final List<String> README_FOLDERS = List.of("/shared/runs/mnist-paper", "runs/mnist-sample");

    private static final String CLI = "./submit/mixfarm ";

    @TempDir
    static Path dir;
    private static Path out;
    private static TvJob.TvResult tv;

    /**
     * A farm with the names the README's queries use (the paper's {@code Const} and {@code LR-decay}, record epochs
     * 8, 120 and 200), tiny otherwise; LR-decay/2 looks still running (its files are there, its trials row is not),
     * so the schedules have unequal finished counts, 3 and 2.
     */
    @BeforeAll
    static void farmAndTv() throws IOException {
        // One batch per epoch: 200 epochs of the tiny network cost little more than the farm's start.
        out = TinyFarm.run(dir, 3, "schedules=[Const, LR-decay]", "epochs=200", "record-epochs=[8, 120, 200]",
                "batch-size=300");
        Files.delete(out.resolve("trials/schedule=LR-decay/trial-00002.parquet"));
        System.setProperty("spark.master", "local[2]");
        System.setProperty("spark.ui.enabled", "false");
        tv = new TvJob(new PrintStream(new ByteArrayOutputStream(), true)).run(out.toString(),
                new TvOptions(19, 3, List.of()));
    }

    @AfterAll
    static void clearProperties() {
        if (SparkSession.getDefaultSession().isDefined()) {
            SparkSession.getDefaultSession().get().stop();
        }
        System.clearProperty("spark.master");
        System.clearProperty("spark.ui.enabled");
    }

    /** Which reader runs a query. */
    enum Engine { SPARK, DUCKDB }

    /**
     * One query of the README.
     *
     * @param label  its comment, or its command line, for messages
     * @param engine who runs it
     * @param sql    the query as the README writes it
     * @param folder the folder it names
     */
    record Query(String label, Engine engine, String sql, String folder) {
        @Override
        public String toString() {
            return engine + ": " + label;
        }
    }

    /** A result: its column names and rows, as text. */
    record Result(List<String> columns, List<List<String>> rows) {
    }

    static List<Query> readmeQueries() {
        List<String> lines;
        try {
            lines = Files.readAllLines(README);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Query> queries = new ArrayList<>();
        String fence = null;
        List<String> block = new ArrayList<>();
        for (String line : lines) {
            if (line.startsWith("```")) {
                if (fence == null) {
                    fence = line.substring(3).strip();
                    block = new ArrayList<>();
                } else {
                    queries.addAll(fence.equals("sql") ? sqlBlock(block) : commandLines(block));
                    fence = null;
                }
            } else if (fence != null) {
                block.add(line);
            }
        }
        return queries;
    }

    /** Statements of a {@code ```sql} block: each ends at a ';', a blank line or the next comment. */
    private static List<Query> sqlBlock(List<String> block) {
        List<Query> queries = new ArrayList<>();
        String comment = "";
        StringBuilder statement = new StringBuilder();
        for (String raw : block) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("--")) {
                add(queries, comment, statement);
                comment = line.isEmpty() ? comment : line;
            } else {
                statement.append(statement.length() == 0 ? "" : " ").append(line);
                if (line.endsWith(";")) {
                    add(queries, comment, statement);
                }
            }
        }
        add(queries, comment, statement);
        return queries;
    }

    private static void add(List<Query> queries, String comment, StringBuilder statement) {
        if (statement.length() == 0) {
            return;
        }
        String sql = statement.toString().replaceAll(";$", "");
        statement.setLength(0);
        Engine engine = sql.contains("read_parquet(") || sql.contains("read_csv(") ? Engine.DUCKDB : Engine.SPARK;
        String folder = README_FOLDERS.stream().filter(sql::contains).findFirst().orElse("runs/mnist-sample");
        queries.add(new Query(comment, engine, sql, folder));
    }

    /** {@code ./submit/mixfarm sql --out DIR "QUERY"} lines of plain blocks; the synopsis line is not a query. */
    private static List<Query> commandLines(List<String> block) {
        List<Query> queries = new ArrayList<>();
        for (String line : block) {
            if (!line.startsWith(CLI + "sql ") || line.contains("\"QUERY\"")) {
                continue;
            }
            List<String> args = shellWords(line.substring(CLI.length()));
            int folder = args.indexOf("--out") + 1;
            assertTrue(folder > 0 && README_FOLDERS.contains(args.get(folder)), "a README folder: " + line);
            assertEquals(folder + 2, args.size(), "the query is the last argument: " + line);
            queries.add(new Query(line, Engine.SPARK, args.get(args.size() - 1), args.get(folder)));
        }
        return queries;
    }

    /** Words of a command line as a POSIX shell splits them, for the quoting the README uses ("..." and '...'). */
    private static List<String> shellWords(String line) {
        List<String> words = new ArrayList<>();
        Matcher m = Pattern.compile("\"([^\"]*)\"|'([^']*)'|(\\S+)").matcher(line);
        while (m.find()) {
            words.add(m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3));
        }
        return words;
    }

    @Test
    void theReadmeShowsQueriesForBothEnginesAndTheCommandLines() {
        List<Query> queries = readmeQueries();
        // At least what the README holds today, so that a change to its layout cannot make this test read nothing.
        assertTrue(queries.stream().filter(q -> q.engine() == Engine.SPARK).count() >= 7, queries.toString());
        assertTrue(queries.stream().filter(q -> q.engine() == Engine.DUCKDB).count() >= 4, queries.toString());
        assertTrue(queries.stream().anyMatch(q -> q.label().startsWith(CLI)), queries.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("readmeQueries")
    void everyReadmeQueryReturnsRowsWithTheColumnsItNames(Query query) {
        Result result = run(query);
        assertFalse(result.rows().isEmpty(), query + " returned no rows");
        List<String> named = namedColumns(query.sql());
        if (named != null) {
            assertEquals(named, result.columns(), query.toString());
        }
    }

    @Test
    void theQueriesMixfarmRunPrintsRunToo() {
        Result errors = sparkSql(SqlQuery.ERRORS_EXAMPLE);
        assertEquals(namedColumns(SqlQuery.ERRORS_EXAMPLE), errors.columns());
        assertEquals(2 * 200, errors.rows().size(), "2 schedules x 200 epochs");
        Result mixing = sparkSql(SqlQuery.MIXING_EXAMPLE);
        assertEquals(namedColumns(SqlQuery.MIXING_EXAMPLE), mixing.columns());
        assertEquals(3, mixing.rows().size(), "3 record epochs x 1 pair");
    }

    @Test
    void theMixingCurveIsOneRowPerRecordEpochAndPairAlsoWithUnequalCounts() {
        List<Query> mixing = readmeQueries().stream().filter(q -> q.label().contains("mixing curve")).toList();
        // Spark SQL's view, DuckDB on tv_summary.csv, DuckDB on the Parquet table.
        assertEquals(List.of(Engine.SPARK, Engine.DUCKDB, Engine.DUCKDB), mixing.stream().map(Query::engine).toList());
        // 3 record epochs x 1 pair, each the row of every finished trial (n = 2, trials_a = 3, trials_b = 2); the
        // README's earlier filter, n = trials_a AND n = trials_b, returned the n = 1 rows here instead.
        List<Double> expected = tv.summary().stream().filter(r -> r.allTrials() && r.trialsA() == 3 && r.trialsB() == 2)
                .sorted(Comparator.comparingInt(TvSummaryRow::epoch))
                .map(TvSummaryRow::tv).toList();
        assertEquals(3, expected.size(), tv.summary().toString());
        for (Query query : mixing) {
            Result result = run(query);
            int column = result.columns().indexOf("tv");
            List<Double> seen = result.rows().stream().map(row -> Double.parseDouble(row.get(column))).toList();
            assertEquals(expected.size(), seen.size(), query.toString());
            for (int i = 0; i < seen.size(); i++) {
                assertEquals(expected.get(i), seen.get(i), 1e-12, query + ": " + seen);
            }
        }
    }

    @Test
    void theDuckDbRecipeCountsOnlyTrialsThatSucceeded() {
        Query errors = readmeQueries().stream().filter(q -> q.engine() == Engine.DUCKDB && q.label().contains("figure 3a"))
                .findFirst().orElseThrow();
        Result result = run(errors);
        int schedule = result.columns().indexOf("schedule");
        int trials = result.columns().indexOf("trials");
        for (List<String> row : result.rows()) {
            assertEquals(row.get(schedule).equals("Const") ? "3" : "2", row.get(trials), row.toString());
        }
    }

    private static Result run(Query query) {
        String sql = query.sql().replace(query.folder(), out.toString());
        if (query.engine() == Engine.DUCKDB) {
            return duckDb(sql);
        }
        return query.label().startsWith(CLI) ? mixfarmSql(sql) : sparkSql(sql);
    }

    /**
     * Runs {@code mixfarm sql --out OUT QUERY} through the CLI and reads its table. The command starts and stops its
     * own Spark session, a few seconds each, so only the README's command lines take this path.
     */
    private static Result mixfarmSql(String sql) {
        CommandLine cli = Mixfarm.commandLine();
        StringWriter printed = new StringWriter();
        StringWriter errors = new StringWriter();
        cli.setOut(new PrintWriter(printed));
        cli.setErr(new PrintWriter(errors));
        assertEquals(0, cli.execute("sql", "--out", out.toString(), sql), sql + ": " + errors);
        return table(printed.toString());
    }

    /** What {@code mixfarm sql} does with a query, in one Spark session for all the {@code ```sql} block's queries. */
    private static Result sparkSql(String sql) {
        SparkSession spark = SparkSession.builder().appName("readme-queries").getOrCreate();
        SqlQuery.registerViews(spark, out.toString());
        StringWriter printed = new StringWriter();
        ResultPrinter.print(SqlQuery.run(spark, sql), ResultPrinter.Format.TABLE, new PrintWriter(printed));
        return table(printed.toString());
    }

    private static Result table(String printed) {
        List<String> lines = printed.lines().toList();
        // header, rule, rows, "(N rows)"
        List<String> columns = List.of(lines.get(0).split(" \\| ")).stream().map(String::strip).toList();
        List<List<String>> rows = new ArrayList<>();
        for (String line : lines.subList(2, lines.size() - 1)) {
            rows.add(List.of(line.split(" \\| ")).stream().map(String::strip).toList());
        }
        assertEquals("(" + rows.size() + " row" + (rows.size() == 1 ? "" : "s") + ")", lines.get(lines.size() - 1));
        return new Result(columns, rows);
    }

    private static Result duckDb(String sql) {
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
             Statement statement = db.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            ResultSetMetaData meta = rows.getMetaData();
            List<String> columns = new ArrayList<>();
            for (int c = 1; c <= meta.getColumnCount(); c++) {
                columns.add(meta.getColumnLabel(c));
            }
            List<List<String>> result = new ArrayList<>();
            while (rows.next()) {
                List<String> row = new ArrayList<>();
                for (int c = 1; c <= columns.size(); c++) {
                    row.add(rows.getString(c));
                }
                result.add(row);
            }
            return new Result(columns, result);
        } catch (SQLException e) {
            throw new AssertionError(sql + ": " + e.getMessage(), e);
        }
    }

    /**
     * The output columns of the top-level SELECT: each item's alias after AS, or a plain column's name; null if an
     * item has neither (such as {@code *}), when there is nothing to compare.
     */
    static List<String> namedColumns(String sql) {
        int select = topLevel(sql, "SELECT", 0);
        int from = topLevel(sql, "FROM", select);
        assertTrue(select >= 0 && from > select, "a SELECT ... FROM: " + sql);
        List<String> names = new ArrayList<>();
        int depth = 0;
        int start = select + "SELECT".length();
        String list = sql.substring(0, from);
        for (int i = start; i <= list.length(); i++) {
            char c = i < list.length() ? list.charAt(i) : ',';
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            if (c == ',' && depth == 0) {
                String item = list.substring(start, i).strip();
                Matcher alias = Pattern.compile("(?is).*\\sAS\\s+(\\w+)").matcher(item);
                if (alias.matches()) {
                    names.add(alias.group(1));
                } else if (item.matches("[\\w.]+")) {
                    names.add(item.substring(item.lastIndexOf('.') + 1));
                } else {
                    return null;
                }
                start = i + 1;
            }
        }
        return names;
    }

    /** Index of a keyword outside parentheses and quotes, at or after {@code from}; -1 if there is none. */
    private static int topLevel(String sql, String keyword, int from) {
        String upper = sql.toUpperCase(Locale.ROOT);
        int depth = 0;
        boolean quoted = false;
        for (int i = 0; i < sql.length(); i++) {
            char c = sql.charAt(i);
            quoted ^= c == '\'';
            if (!quoted) {
                depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            }
            boolean word = (i == 0 || !Character.isLetterOrDigit(sql.charAt(i - 1)))
                    && upper.startsWith(keyword, i)
                    && (i + keyword.length() == sql.length() || !Character.isLetterOrDigit(sql.charAt(i + keyword.length())));
            if (i >= from && depth == 0 && !quoted && word) {
                return i;
            }
        }
        return -1;
    }
}
