package io.mixfarm.jobs.tv;

import io.mixfarm.analysis.tv.Design;
import io.mixfarm.analysis.tv.TvSummaryRow;
import io.mixfarm.jobs.tv.TvTable.Column;
import io.mixfarm.jobs.tv.TvTable.Type;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The TV job's output tables, each column spelled once here (a new column is one line in its table, plus the
 * component at the same place in the row record), and the files they are written as: {@code tv_summary/} and
 * {@code tv_by_image/} (Parquet, provenance in every footer) and {@code tv_summary.csv} (the provenance first, as
 * {@code #} lines).
 */
public final class TvTables {

    /** {@code tv_summary}: one row per (epoch, pair, n); one row per (epoch, pair) has {@code all_trials}. */
    public static final TvTable<TvSummaryRow> SUMMARY = new TvTable<>("tv_summary", TvSummaryRow.class, List.of(
            Column.of("epoch", Type.INT, TvSummaryRow::epoch),
            Column.of("a", Type.STRING, TvSummaryRow::a),
            Column.of("b", Type.STRING, TvSummaryRow::b),
            Column.of("n", Type.INT, TvSummaryRow::n),
            Column.of("trials_a", Type.INT, TvSummaryRow::trialsA),
            Column.of("trials_b", Type.INT, TvSummaryRow::trialsB),
            Column.of("tv", Type.DOUBLE, TvSummaryRow::tv),
            Column.of("tv_random_mean", Type.DOUBLE, TvSummaryRow::tvRandomMean),
            Column.of("tv_random_sd", Type.DOUBLE, TvSummaryRow::tvRandomSd),
            Column.of("baseline", Type.DOUBLE, TvSummaryRow::baseline),
            Column.of("null_mean", Type.DOUBLE, TvSummaryRow::nullMean),
            Column.of("null_sd", Type.DOUBLE, TvSummaryRow::nullSd),
            Column.of("p_value", Type.DOUBLE, TvSummaryRow::pValue),
            Column.of("corrected_tv", Type.DOUBLE, TvSummaryRow::correctedTv),
            Column.of("ci_low", Type.DOUBLE, TvSummaryRow::ciLow),
            Column.of("ci_high", Type.DOUBLE, TvSummaryRow::ciHigh),
            Column.of("all_trials", Type.BOOLEAN, TvSummaryRow::allTrials),
            Column.of("p_holm", Type.DOUBLE, TvSummaryRow::pHolm),
            // Tables written before the job counted diverged trials say nothing of them: read as none.
            Column.<TvSummaryRow>of("diverged_a", Type.INT, TvSummaryRow::divergedA).olderFilesHold(0),
            Column.<TvSummaryRow>of("diverged_b", Type.INT, TvSummaryRow::divergedB).olderFilesHold(0),
            // Tables written before the paired design existed all compared independent trials.
            Column.<TvSummaryRow, Design>ofEnum("design", Design.class, TvSummaryRow::design).olderFilesHold(Design.UNPAIRED)));

    /** {@code tv_by_image}: one row per (epoch, pair, test image), with both schedules' class counts. */
    public static final TvTable<TvByImageRow> BY_IMAGE = new TvTable<>("tv_by_image", TvByImageRow.class, List.of(
            Column.of("epoch", Type.INT, TvByImageRow::epoch),
            Column.of("a", Type.STRING, TvByImageRow::a),
            Column.of("b", Type.STRING, TvByImageRow::b),
            Column.of("image", Type.INT, TvByImageRow::image),
            Column.of("tv", Type.DOUBLE, TvByImageRow::tv),
            Column.of("trials_a", Type.INT, TvByImageRow::trialsA),
            Column.of("trials_b", Type.INT, TvByImageRow::trialsB),
            Column.of("counts_a", Type.INT_LIST, TvByImageRow::countsA),
            Column.of("counts_b", Type.INT_LIST, TvByImageRow::countsB)));

    /** The summary as CSV, at the root of the output folder, for spreadsheets and plotting scripts. */
    public static final String SUMMARY_CSV = SUMMARY.name() + ".csv";

    /** The one file of {@code tv_summary/}, written on the driver. */
    static final String SUMMARY_FILE = SUMMARY.name() + ".parquet";

    private TvTables() {
    }

    /** The file of {@code tv_by_image/} that holds one record epoch, written by the task that computed it. */
    static String byImageFile(int epoch) {
        return String.format(Locale.ROOT, "epoch-%05d.parquet", epoch);
    }

    /**
     * The summary as CSV: first the provenance, one {@code # key=value} line per entry (a backslash, line feed or
     * carriage return in a value written {@code \\}, {@code \n}, {@code \r}, so each entry is one line), then the
     * header and one line per row. Readers skip the {@code #} lines with DuckDB's {@code comment = '#'}, pandas'
     * {@code comment='#'} or R's {@code comment.char = "#"}; no field of a row holds a {@code #} (schedule names
     * cannot, see {@link io.mixfarm.jobs.config.ScheduleName}).
     */
    static byte[] csv(List<TvSummaryRow> summary, Map<String, String> provenance) {
        StringBuilder text = new StringBuilder();
        provenance.forEach((key, value) -> text.append("# ").append(key).append('=').append(value
                .replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")).append('\n'));
        text.append(SUMMARY.csvHeader()).append('\n');
        for (TvSummaryRow row : summary) {
            text.append(SUMMARY.csvLine(row)).append('\n');
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The {@code tv_summary} rows of an output folder, as written; none if the TV job has not run.
     *
     * @throws IllegalArgumentException if the table was written by a mixfarm that lacked a column this one needs
     */
    public static List<TvSummaryRow> readSummary(SparkSession spark, String output) {
        String location = output + "/" + SUMMARY.name();
        Path path = new Path(location);
        try {
            if (!path.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(path)) {
                return List.of();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot look at " + location, e);
        }
        Dataset<Row> table = spark.read().parquet(location);
        String missing = SUMMARY.firstMissing(List.of(table.columns()));
        if (missing != null) {
            throw new IllegalArgumentException(location + " was written by an older mixfarm (no " + missing
                    + " column): run ./submit/mixfarm tv --out " + output + " again");
        }
        return table.collectAsList().stream().map(SUMMARY::read).toList();
    }
}
