/**
 * The experiment report: charts of figures 3a, 3b and 4 and the mixing curve, and one static HTML page.
 *
 * <p>{@link io.mixfarm.analysis.report.Report#write} takes metric rows ({@link io.mixfarm.analysis.report.MetricRow},
 * one per trial and epoch) and the {@code tv_summary} rows ({@link io.mixfarm.analysis.tv.TvSummaryRow}) and writes
 * each chart as PNG and SVG plus {@code report.html}, which inlines the SVGs and needs no network.
 * {@link io.mixfarm.analysis.report.EpochAggregate} summarises metrics per schedule and epoch as a mean and a band from
 * the 10th to the 90th percentile over trials ({@link io.mixfarm.analysis.report.Spread}).
 *
 * <p>Charts are drawn with XChart, headless; each schedule, and each pair of schedules, keeps one colour across all
 * charts of a report. Charts without data are skipped and listed rather than failing the report, so it can be written
 * while a farm is still running.
 */
package io.mixfarm.analysis.report;
