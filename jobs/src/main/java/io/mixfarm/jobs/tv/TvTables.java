package io.mixfarm.jobs.tv;

import io.mixfarm.analysis.tv.Design;
import io.mixfarm.analysis.tv.TvSummaryRow;
import io.mixfarm.jobs.tv.TvTable.Column;
import io.mixfarm.jobs.tv.TvTable.Type;
import org.apache.spark.sql.SparkSession;

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

    /**
     * {@code tv_summary}: one row per (record point, pair, n); one row per (record point, pair) has
     * {@code all_trials}.
     */
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
            Column.<TvSummaryRow, Design>ofEnum("design", Design.class, TvSummaryRow::design).olderFilesHold(Design.UNPAIRED),
            // The record point's step; null in tables written before record points had steps (epoch ends only).
            Column.ofNullable("step", Type.LONG, TvSummaryRow::step)));

    /** {@code tv_by_image}: one row per (record point, pair, test image), with both schedules' class counts. */
    public static final TvTable<TvByImageRow> BY_IMAGE = new TvTable<>("tv_by_image", TvByImageRow.class, List.of(
            Column.of("epoch", Type.INT, TvByImageRow::epoch),
            Column.of("a", Type.STRING, TvByImageRow::a),
            Column.of("b", Type.STRING, TvByImageRow::b),
            Column.of("image", Type.INT, TvByImageRow::image),
            Column.of("tv", Type.DOUBLE, TvByImageRow::tv),
            Column.of("trials_a", Type.INT, TvByImageRow::trialsA),
            Column.of("trials_b", Type.INT, TvByImageRow::trialsB),
            Column.of("counts_a", Type.INT_LIST, TvByImageRow::countsA),
            Column.of("counts_b", Type.INT_LIST, TvByImageRow::countsB),
            Column.ofNullable("step", Type.LONG, TvByImageRow::step)));

    /** The summary as CSV, at the root of the output folder, for spreadsheets and plotting scripts. */
    public static final String SUMMARY_CSV = SUMMARY.csvFile();

    /** The one file of {@code tv_summary/}, written on the driver. */
    static final String SUMMARY_FILE = SUMMARY.file();

    private TvTables() {
    }

    /**
     * The file of {@code tv_by_image/} that holds one record point, written by the task that computed it: an epoch's
     * end named by its epoch, a point inside an epoch by its epoch and step (so the files sort in training order).
     */
    static String byImageFile(TvJob.Point point) {
        return point.epochEnd() ? String.format(Locale.ROOT, "epoch-%05d.parquet", point.epoch())
                : String.format(Locale.ROOT, "epoch-%05d-step-%012d.parquet", point.epoch(), point.step());
    }

    /** The summary as CSV, the provenance first as {@code #} lines ({@link TvTable#csv}). */
    static byte[] csv(List<TvSummaryRow> summary, Map<String, String> provenance) {
        return SUMMARY.csv(summary, provenance);
    }

    /**
     * The {@code tv_summary} rows of an output folder, as written; none if the TV job has not run.
     *
     * @throws IllegalArgumentException if the table was written by a mixfarm that lacked a column this one needs
     */
    public static List<TvSummaryRow> readSummary(SparkSession spark, String output) {
        return SUMMARY.readAll(spark, output, "./submit/mixfarm tv --out " + output);
    }
}
