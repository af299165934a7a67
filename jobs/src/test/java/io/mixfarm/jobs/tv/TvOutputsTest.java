package io.mixfarm.jobs.tv;

import io.mixfarm.jobs.config.ExperimentConfig;
import io.mixfarm.jobs.experiment.BuildInfo;
import io.mixfarm.jobs.experiment.ExperimentFolder;
import io.mixfarm.jobs.farm.Duck;
import io.mixfarm.jobs.farm.TinyFarm;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The TV job's outputs as files, from a real tiny run: the provenance every one of them carries, the frozen schemas
 * as written and as DuckDB reads them, the CSV as DuckDB reads it, and how a rerun replaces them (whole, or not at
 * all when it fails).
 */
@ExtendWith(TinyFarm.LocalSpark.class)
class TvOutputsTest {

    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream(), true);

    @TempDir
    static Path dir;
    private static Path out;
    private static TvJob.TvResult result;

    @BeforeAll
    static void farmAndEstimate() {
        out = TinyFarm.run(dir, 3);
        result = new TvJob(QUIET).run(out.toString(), new TvOptions(19, 3, List.of()));
    }

    @Test
    void bothTablesAndTheCsvCarryTheRunsProvenance() throws Exception {
        ExperimentConfig config = ExperimentFolder.at(out.toString(), new Configuration()).recordedConfig();
        BuildInfo build = BuildInfo.current();
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("mixfarm.version", build.version());
        expected.put("mixfarm.git_commit", build.commit());
        expected.put("mixfarm.config_hash", config.hash());
        expected.put("mixfarm.identity_hash", ExperimentFolder.identityHash(config));
        expected.put("mixfarm.config", config.render());
        expected.put("mixfarm.tv.seed", Long.toString(config.seed()));
        expected.put("mixfarm.tv.permutations", "19");
        expected.put("mixfarm.tv.resamples", "3");
        expected.put("mixfarm.tv.n", "default");
        expected.put("mixfarm.tv.n_epochs", "2");
        expected.put("mixfarm.tv.trials", "low 3, high 3");
        expected.put("java.version", System.getProperty("java.version"));

        List<Path> files = parquetFiles(out.resolve("tv_summary"));
        files.addAll(parquetFiles(out.resolve("tv_by_image")));
        assertEquals(List.of("tv_summary.parquet", "epoch-00001.parquet", "epoch-00002.parquet"),
                files.stream().map(p -> p.getFileName().toString()).toList());
        List<String> apps = new ArrayList<>();
        for (Path file : files) {
            Map<String, String> footer = keyValueMetadata(file);
            expected.forEach((key, value) -> assertEquals(value, footer.get(key), file + " " + key));
            Instant.parse(footer.get("mixfarm.written_at"));
            apps.add(footer.get("spark.app_id"));
        }
        assertTrue(apps.get(0).startsWith("local-"), apps.toString());
        assertEquals(List.of(apps.get(0), apps.get(0), apps.get(0)), apps, "one run wrote every file");

        // The CSV carries exactly the summary table's provenance, entry for entry, then the table.
        Map<String, String> comments = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(out.resolve("tv_summary.csv"));
        for (String line : lines.stream().takeWhile(l -> l.startsWith("# ")).toList()) {
            int equals = line.indexOf('=');
            comments.put(line.substring(2, equals), line.substring(equals + 1).replace("\\n", "\n")
                    .replace("\\r", "\r").replace("\\\\", "\\"));
        }
        Map<String, String> summaryFooter = keyValueMetadata(files.get(0));
        assertEquals("example", summaryFooter.remove("writer.model.name"), "Parquet's own entry: its object model");
        assertEquals(summaryFooter, comments);
        assertEquals(summaryFooter.size() + 1 + result.summary().size(), lines.size(), "comments, header, rows");
    }

    @Test
    void theFilesHaveTheFrozenSchemasAndDuckDbReadsTheirTypes() throws Exception {
        for (Path file : parquetFiles(out.resolve("tv_summary"))) {
            assertEquals(TvTablesTest.SUMMARY_SCHEMA, schema(file), file.toString());
        }
        for (Path file : parquetFiles(out.resolve("tv_by_image"))) {
            assertEquals(TvTablesTest.BY_IMAGE_SCHEMA, schema(file), file.toString());
        }
        assertEquals("epoch INTEGER, a VARCHAR, b VARCHAR, n INTEGER, trials_a INTEGER, trials_b INTEGER, tv DOUBLE, "
                + "tv_random_mean DOUBLE, tv_random_sd DOUBLE, baseline DOUBLE, null_mean DOUBLE, null_sd DOUBLE, "
                + "p_value DOUBLE, corrected_tv DOUBLE, ci_low DOUBLE, ci_high DOUBLE, all_trials BOOLEAN, "
                + "p_holm DOUBLE, diverged_a INTEGER, diverged_b INTEGER, design VARCHAR, step BIGINT",
                describe("read_parquet('" + out + "/tv_summary/*.parquet')"));
        assertEquals("epoch INTEGER, a VARCHAR, b VARCHAR, image INTEGER, tv DOUBLE, trials_a INTEGER, "
                + "trials_b INTEGER, counts_a INTEGER[], counts_b INTEGER[], step BIGINT",
                describe("read_parquet('" + out + "/tv_by_image/*.parquet')"));
        // The CSV, as the README reads it: the same columns (a column that is NaN on every row has no type to sniff).
        assertEquals(TvTables.SUMMARY.csvHeader(), describe("read_csv('" + out + "/tv_summary.csv', comment = '#')")
                .replaceAll(" [A-Z]+", "").replace(", ", ","));
    }

    /** What the report and DuckDB read is what the job computed: through the one definition, both ways. */
    @Test
    void theSummaryReadsBackAsComputedThroughSparkAndTheCsvThroughDuckDb() throws SQLException {
        SparkSession spark = SparkSession.builder().appName("tv-outputs-test").getOrCreate();
        try {
            assertEquals(result.summary(), TvTables.readSummary(spark, out.toString()));
        } finally {
            spark.stop();
        }
        // NaN is an empty field in the CSV (NULL to DuckDB), so the columns that are never NaN are compared.
        String columns = "epoch, a, b, n, trials_a, trials_b, tv, null_mean, p_value, all_trials, diverged_a, diverged_b, "
                + "design, step";
        String csv = "SELECT " + columns + " FROM read_csv('" + out + "/tv_summary.csv', comment = '#')";
        String parquet = "SELECT " + columns + " FROM read_parquet('" + out + "/tv_summary/*.parquet')";
        assertEquals(result.summary().size(), Duck.count("SELECT count(*) FROM (" + csv + ")"));
        assertEquals(0, Duck.count("SELECT count(*) FROM ((" + csv + ") EXCEPT (" + parquet + "))"));
        assertEquals(0, Duck.count("SELECT count(*) FROM ((" + parquet + ") EXCEPT (" + csv + "))"));
    }

    /**
     * A run that dies with all its files written and none published leaves the previous outputs byte for byte, its
     * own files hidden from every reader while it runs and gone after; a run that finishes replaces every output
     * whole, leaving nothing of the previous folder (here a file another writer left in it).
     */
    @Test
    void aFailedRerunLeavesThePreviousOutputsAndAFinishedOneReplacesThemWhole(@TempDir Path copy) throws Exception {
        TinyFarm.copy(out, copy);
        Map<String, String> before = tvFiles(copy);
        TvJob crashing = new TvJob(QUIET, () -> {
            try {
                assertEquals(before, tvFiles(copy), "nothing published yet");
                List<Path> staged = hidden(copy);
                assertEquals(2, staged.size(), staged.toString());
                Path stagedByImage = staged.stream().filter(p -> p.getFileName().toString()
                        .startsWith(".tv_by_image.")).findFirst().orElseThrow();
                assertEquals(2, parquetFiles(stagedByImage).size(), "both epochs' files are written");
                assertEquals(200, Duck.count("SELECT count(*) FROM read_parquet('" + copy + "/tv_by_image/*.parquet')"),
                        "DuckDB sees the previous table only");
                assertEquals("19", keyValueMetadata(parquetFiles(copy.resolve("tv_by_image")).get(0))
                        .get("mixfarm.tv.permutations"));
            } catch (IOException | SQLException e) {
                throw new AssertionError(e);
            }
            throw new IllegalStateException("injected crash before publishing");
        });
        IllegalStateException crash = assertThrows(IllegalStateException.class,
                () -> crashing.run(copy.toString(), new TvOptions(7, 2, List.of())));
        assertEquals("injected crash before publishing", crash.getMessage());
        assertEquals(before, tvFiles(copy));
        assertEquals(List.of(), hidden(copy));

        Files.copy(copy.resolve("tv_by_image/epoch-00001.parquet"), copy.resolve("tv_by_image/part-00000.parquet"));
        new TvJob(QUIET).run(copy.toString(), new TvOptions(7, 2, List.of()));
        List<Path> byImage = parquetFiles(copy.resolve("tv_by_image"));
        assertEquals(List.of("epoch-00001.parquet", "epoch-00002.parquet"),
                byImage.stream().map(p -> p.getFileName().toString()).toList());
        for (Path file : Stream.concat(byImage.stream(), parquetFiles(copy.resolve("tv_summary")).stream()).toList()) {
            assertEquals("7", keyValueMetadata(file).get("mixfarm.tv.permutations"), file.toString());
        }
        assertTrue(Files.readAllLines(copy.resolve("tv_summary.csv")).contains("# mixfarm.tv.permutations=7"));
        assertFalse(before.equals(tvFiles(copy)));
        assertEquals(List.of(), hidden(copy));
    }

    /** The visible Parquet files of a folder, by name. */
    private static List<Path> parquetFiles(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return new ArrayList<>(files.filter(p -> p.getFileName().toString().endsWith(".parquet")
                    && !p.getFileName().toString().startsWith(".")).sorted().toList());
        }
    }

    /** Every file of the TV outputs (hidden checksums too), by path, with its SHA-256. */
    private static Map<String, String> tvFiles(Path folder) throws IOException {
        Map<String, String> files = new TreeMap<>();
        for (String name : List.of("tv_summary", "tv_by_image", "tv_summary.csv")) {
            try (Stream<Path> paths = Files.walk(folder.resolve(name))) {
                for (Path file : paths.filter(Files::isRegularFile).toList()) {
                    files.put(folder.relativize(file).toString(), sha256(Files.readAllBytes(file)));
                }
            }
        }
        return files;
    }

    /** The hidden entries of the folder's root that belong to the TV outputs (staging folders, moved-aside ones). */
    private static List<Path> hidden(Path folder) throws IOException {
        try (Stream<Path> paths = Files.list(folder)) {
            return paths.filter(p -> p.getFileName().toString().startsWith(".tv_")
                    && p.getFileName().toString().endsWith(".tmp")).sorted().toList();
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String schema(Path file) throws IOException {
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(
                new org.apache.hadoop.fs.Path(file.toUri()), new Configuration()))) {
            return reader.getFooter().getFileMetaData().getSchema().toString();
        }
    }

    private static Map<String, String> keyValueMetadata(Path file) throws SQLException {
        Map<String, String> metadata = new LinkedHashMap<>();
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
             Statement statement = db.createStatement();
             ResultSet rows = statement.executeQuery("SELECT decode(key), decode(value) FROM parquet_kv_metadata('"
                     + file + "')")) {
            while (rows.next()) {
                metadata.put(rows.getString(1), rows.getString(2));
            }
        }
        return metadata;
    }

    /** Column names and DuckDB types of a relation, as one line. */
    private static String describe(String relation) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
             Statement statement = db.createStatement();
             ResultSet rows = statement.executeQuery("DESCRIBE SELECT * FROM " + relation)) {
            while (rows.next()) {
                columns.add(rows.getString("column_name") + " " + rows.getString("column_type"));
            }
        }
        return String.join(", ", columns);
    }
}
