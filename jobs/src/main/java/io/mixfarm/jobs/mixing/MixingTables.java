package io.mixfarm.jobs.mixing;

import io.mixfarm.analysis.mixing.Clock;
import io.mixfarm.analysis.mixing.MixingStudyRow;
import io.mixfarm.analysis.mixing.MixingSummaryRow;
import io.mixfarm.analysis.tv.Design;
import io.mixfarm.jobs.tv.TvTable;
import io.mixfarm.jobs.tv.TvTable.Column;
import io.mixfarm.jobs.tv.TvTable.Type;

import java.util.List;

/**
 * The mixing job's output tables, each column spelled once here, as {@link io.mixfarm.jobs.tv.TvTables} spells the
 * TV job's: {@code mixing_summary} (one row per intrinsic LR) and {@code mixing_laws} (one row per clock: the
 * scaling law's fit). Each is written as {@code OUT/<name>/<name>.parquet} (provenance in the footer) and
 * {@code OUT/<name>.csv} (the provenance first, as {@code #} lines). The slope rows are a table of their own, not
 * rows of the summary: they have other columns, and a reader of the summary should not have to skip them.
 */
public final class MixingTables {

    /**
     * {@code mixing_summary}: one row per intrinsic LR, in the config's order. Columns added after the table was
     * first written read as NaN from older tables.
     */
    public static final TvTable<MixingSummaryRow> SUMMARY = new TvTable<>("mixing_summary", MixingSummaryRow.class,
            List.of(
                    Column.of("lambda_e", Type.DOUBLE, MixingSummaryRow::lambdaE),
                    Column.<MixingSummaryRow, Design>ofEnum("design", Design.class, MixingSummaryRow::design),
                    Column.of("pairs", Type.INT, MixingSummaryRow::pairs),
                    Column.of("tmix", Type.DOUBLE, MixingSummaryRow::tmix),
                    Column.of("tmix_low", Type.DOUBLE, MixingSummaryRow::tmixLow),
                    Column.of("tmix_high", Type.DOUBLE, MixingSummaryRow::tmixHigh),
                    Column.<MixingSummaryRow>of("tmix_settled", Type.DOUBLE, MixingSummaryRow::tmixSettled)
                            .olderFilesHold(Double.NaN),
                    Column.of("norm_clock", Type.DOUBLE, MixingSummaryRow::normClock),
                    Column.of("norm_clock_low", Type.DOUBLE, MixingSummaryRow::normClockLow),
                    Column.of("norm_clock_high", Type.DOUBLE, MixingSummaryRow::normClockHigh),
                    Column.<MixingSummaryRow>of("norm_clock_settled", Type.DOUBLE,
                            MixingSummaryRow::normClockSettled).olderFilesHold(Double.NaN),
                    Column.of("rate_measured", Type.DOUBLE, MixingSummaryRow::rateMeasured),
                    Column.of("rate_low", Type.DOUBLE, MixingSummaryRow::rateLow),
                    Column.of("rate_high", Type.DOUBLE, MixingSummaryRow::rateHigh),
                    Column.of("rate_predicted", Type.DOUBLE, MixingSummaryRow::ratePredicted),
                    Column.<MixingSummaryRow>of("equilibrium_tv", Type.DOUBLE, MixingSummaryRow::equilibriumTv)
                            .olderFilesHold(Double.NaN),
                    Column.<MixingSummaryRow>of("equilibrium_floor", Type.DOUBLE,
                            MixingSummaryRow::equilibriumFloor).olderFilesHold(Double.NaN),
                    Column.<MixingSummaryRow>of("equilibrium_p", Type.DOUBLE, MixingSummaryRow::equilibriumP)
                            .olderFilesHold(Double.NaN)));

    /** {@code mixing_laws}: one row per clock, {@code log T = intercept + slope log(1/lambda_e)}. */
    public static final TvTable<MixingStudyRow> LAWS = new TvTable<>("mixing_laws", MixingStudyRow.class, List.of(
            Column.<MixingStudyRow, Clock>ofEnum("clock", Clock.class, MixingStudyRow::clock),
            Column.of("intercept", Type.DOUBLE, MixingStudyRow::intercept),
            Column.of("slope", Type.DOUBLE, MixingStudyRow::slope),
            Column.of("slope_low", Type.DOUBLE, MixingStudyRow::slopeLow),
            Column.of("slope_high", Type.DOUBLE, MixingStudyRow::slopeHigh),
            Column.of("points", Type.INT, MixingStudyRow::points),
            Column.of("resamples", Type.INT, MixingStudyRow::resamples),
            Column.of("dropped", Type.INT, MixingStudyRow::dropped)));

    private MixingTables() {
    }
}
