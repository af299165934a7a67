package io.mixfarm.analysis.report;

import io.mixfarm.analysis.mixing.Clock;
import io.mixfarm.analysis.mixing.MixingStudyRow;
import io.mixfarm.analysis.mixing.MixingSummaryRow;
import io.mixfarm.analysis.tv.TvSummaryRow;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Builds the report's charts as XChart objects; {@link ChartWriter} turns them into files. Every builder returns a
 * chart without series when its data has no finite point, and the caller skips such a chart.
 */
final class Charts {

    /** Width of every chart in pixels (also the PNG width). */
    static final int WIDTH = 960;
    /** Height of every chart in pixels (also the PNG height). */
    static final int HEIGHT = 540;
    /** Width of one panel of small multiples: two fit side by side in the page's column. */
    static final int PANEL_WIDTH = 480;
    /** Height of one panel of small multiples. */
    static final int PANEL_HEIGHT = 320;

    /** Prefix of series kept out of the legend, so that their names cannot clash with a schedule's. */
    private static final String HIDDEN = "hidden: ";

    /** The name of a mixing panel's series of separated points ends with this. */
    static final String SEPARATED_SUFFIX = " separated";

    /** Series with at most this many points get markers: a lone point of a line without markers is invisible. */
    private static final int MARKERS_UP_TO = 25;

    private static final String FONT = "DejaVu Sans";
    private static final BasicStroke SOLID = new BasicStroke(2.0f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
    private static final BasicStroke DASHED = dashes(1.6f, 7f, 4f);
    private static final BasicStroke DOTTED = dashes(1.6f, 2f, 3f);
    private static final BasicStroke DASH_DOT = dashes(1.6f, 8f, 3f, 2f, 3f);
    private static final BasicStroke NO_LINE = new BasicStroke(0f);

    /**
     * When a line gets markers: main estimates when they have few points; secondary and reference lines (random
     * subsets, baseline, noise floor) only when a lone point would otherwise be invisible.
     */
    private enum Markers { WHEN_SPARSE, WHEN_ALONE }

    private Charts() {
    }

    /** Figure 3a: per schedule, mean test error (solid) and train error (dashed) per epoch with 10–90% bands. */
    static XYChart errors(List<EpochAggregate> aggregates, Palette palette) {
        XYChart chart = base("Train and test error (mean over trials; band: 10th–90th percentile of trials)",
                "epoch", "error (fraction of images)");
        Map<String, List<EpochAggregate>> bySchedule = bySchedule(aggregates);
        roundEpochTicks(chart, aggregates, a -> a.testError().mean(), false);
        bySchedule.forEach((schedule, rows) -> {
            Color colour = palette.schedule(schedule);
            band(chart, HIDDEN + schedule + " test band", epochs(rows), field(rows, a -> a.testError().p10()),
                    field(rows, a -> a.testError().p90()), Palette.translucent(colour, 48), false);
            band(chart, HIDDEN + schedule + " train band", epochs(rows), field(rows, a -> a.trainError().p10()),
                    field(rows, a -> a.trainError().p90()), Palette.translucent(colour, 28), false);
        });
        bySchedule.forEach((schedule, rows) -> {
            Color colour = palette.schedule(schedule);
            line(chart, schedule + " test", epochs(rows), field(rows, a -> a.testError().mean()), colour, SOLID,
                    Markers.WHEN_SPARSE, false);
            line(chart, schedule + " train", epochs(rows), field(rows, a -> a.trainError().mean()), colour, DASHED,
                    Markers.WHEN_SPARSE, false);
        });
        return chart;
    }

    /** Figure 4, left: per schedule, mean total weight norm per epoch with its 10–90% band. */
    static XYChart norms(List<EpochAggregate> aggregates, Palette palette) {
        return perSchedule(aggregates, palette, EpochAggregate::norm, false,
                "Total weight norm ||w|| (mean over trials; band: 10th–90th percentile)", "||w||");
    }

    /** Figure 4, right: per schedule, mean effective learning rate per epoch with its 10–90% band, log y. */
    static XYChart effectiveLr(List<EpochAggregate> aggregates, Palette palette) {
        return perSchedule(aggregates, palette, EpochAggregate::effectiveLr, true,
                "Effective learning rate lr / ||w||² (mean over trials; band: 10th–90th percentile)",
                "effective LR (log scale)");
    }

    /**
     * A mixing study's scaling law (docs/method.md, "Mixing time"): per clock, the time at each intrinsic LR against
     * {@code 1/lambda_e} on log-log axes with its 95% interval as a vertical segment (an interval with an unbounded
     * or non-positive end is not drawn), the fitted line {@code log T = a + b log(1/lambda_e)} over the study's range
     * with the slope and its 95% interval in its legend entry, and, dotted, a line of slope 1 (the conjecture) through
     * the function-space fit's centre, or where there is no such fit through the geometric centre of the drawn times
     * (the function-space clock's, else the norm clock's), so the reference is there whenever a time is.
     *
     * @param rows one per intrinsic LR ({@code mixing_summary})
     * @param laws one per clock ({@code mixing_laws}); a clock without one gets no fitted line
     */
    static XYChart scalingLaw(List<MixingSummaryRow> rows, List<MixingStudyRow> laws) {
        XYChart chart = base("Mixing time against 1/λ_e (log-log; bars: 95% bootstrap interval over pairs)",
                "1/λ_e (log scale)", "steps after the perturbation (log scale)");
        XYStyler styler = chart.getStyler();
        styler.setXAxisLogarithmic(true);
        styler.setYAxisLogarithmic(true);
        double[] x = rows.stream().mapToDouble(r -> 1 / r.lambdaE()).toArray();
        double[] ends = {Arrays.stream(x).min().orElse(Double.NaN), Arrays.stream(x).max().orElse(Double.NaN)};
        Map<Clock, Color> colours = Map.of(Clock.FUNCTION_SPACE, new Color(0x1F77B4), Clock.NORM, new Color(0xD62728));
        for (Clock clock : Clock.values()) {
            Color colour = colours.get(clock);
            double[] t = rows.stream().mapToDouble(r -> r.time(clock)).toArray();
            Points points = new Points(true);
            for (int i = 0; i < x.length; i++) {
                points.add(x[i], t[i]);
            }
            if (!points.isEmpty()) {
                XYSeries series = chart.addSeries(clock.label() + " T", points.x(), points.y());
                series.setXYSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
                series.setMarker(SeriesMarkers.CIRCLE);
                series.setMarkerColor(colour);
            }
            for (int i = 0; i < rows.size(); i++) {
                MixingSummaryRow row = rows.get(i);
                double low = clock == Clock.FUNCTION_SPACE ? row.tmixLow() : row.normClockLow();
                double high = clock == Clock.FUNCTION_SPACE ? row.tmixHigh() : row.normClockHigh();
                if (low > 0 && Double.isFinite(high)) {
                    XYSeries bar = chart.addSeries(HIDDEN + clock.label() + " interval " + i,
                            new double[] {x[i], x[i]}, new double[] {low, high});
                    bar.setXYSeriesRenderStyle(XYSeriesRenderStyle.Line);
                    bar.setLineColor(colour);
                    bar.setLineStyle(SOLID);
                    bar.setMarker(SeriesMarkers.NONE);
                    bar.setShowInLegend(false);
                }
            }
            laws.stream().filter(l -> l.clock() == clock).findFirst().ifPresent(law ->
                    line(chart, clock.label() + " fit, " + slope(law), ends, Arrays.stream(ends)
                                    .map(e -> Math.exp(law.intercept() + law.slope() * Math.log(e))).toArray(),
                            colour, DASHED, Markers.WHEN_ALONE, true));
        }
        double[] anchor = slopeOneAnchor(rows, laws, ends);
        if (anchor != null) {
            line(chart, "slope 1", ends, Arrays.stream(ends).map(e -> anchor[1] * e / anchor[0]).toArray(),
                    Color.GRAY, DOTTED, Markers.WHEN_ALONE, true);
        }
        return chart;
    }

    /** A fitted law's slope as its legend says it: {@code slope 1.02 [0.85, 1.19]}, the interval where it has one. */
    private static String slope(MixingStudyRow law) {
        String text = String.format(Locale.ROOT, "slope %.2f", law.slope());
        return Double.isFinite(law.slopeLow()) && Double.isFinite(law.slopeHigh())
                ? text + String.format(Locale.ROOT, " [%.2f, %.2f]", law.slopeLow(), law.slopeHigh()) : text;
    }

    /**
     * The point {x, T} the slope-1 reference passes through: the function-space fit at the geometric centre of the
     * LRs' range; without a finite fit, the geometric centre of the function-space times drawn, else of the norm
     * clock's; null when no time is drawn.
     */
    private static double[] slopeOneAnchor(List<MixingSummaryRow> rows, List<MixingStudyRow> laws, double[] ends) {
        double centre = Math.sqrt(ends[0] * ends[1]);
        for (MixingStudyRow law : laws) {
            if (law.clock() == Clock.FUNCTION_SPACE && Double.isFinite(law.intercept())
                    && Double.isFinite(law.slope())) {
                return new double[] {centre, Math.exp(law.intercept() + law.slope() * Math.log(centre))};
            }
        }
        for (Clock clock : Clock.values()) {
            double logX = 0;
            double logT = 0;
            int drawn = 0;
            for (MixingSummaryRow row : rows) {
                double t = row.time(clock);
                if (Double.isFinite(t) && t > 0) {
                    logX += Math.log(1 / row.lambdaE());
                    logT += Math.log(t);
                    drawn++;
                }
            }
            if (drawn > 0) {
                return new double[] {Math.exp(logX / drawn), Math.exp(logT / drawn)};
            }
        }
        return null;
    }

    /**
     * Figure 3b for one record epoch: per pair, TV against n on a log2 axis (nested estimate, solid), the mean over
     * random n-subsets (dotted), the baseline (dashed) and the noise floor (dash-dot, band: floor ± 2 sd).
     *
     * @param byPair the rows of this epoch per pair label, ascending in n (see {@link TvRows#byN})
     */
    static XYChart tvVsN(int epoch, Map<String, List<TvSummaryRow>> byPair, Palette palette) {
        XYChart chart = base("TV between schedules' predictions against trials per schedule, epoch " + epoch,
                "trials per schedule n (log2 scale)", "mean TV over test images");
        XYStyler styler = chart.getStyler();
        styler.setYAxisMin(0.0);
        styler.setxAxisTickLabelsFormattingFunction(Charts::powerOfTwo);
        // The axis spans whole powers of two, so it has integer ticks to label even when every n lies between two
        // of them (n = 3 alone: XChart's own range around log2 3 had none, and a chart with only blank tick labels
        // cannot be drawn).
        double[] all = byPair.values().stream().flatMapToDouble(rows -> Arrays.stream(log2n(rows)))
                .filter(Double::isFinite).toArray();
        if (all.length > 0) {
            double low = Math.floor(Arrays.stream(all).min().getAsDouble());
            styler.setXAxisMin(low);
            styler.setXAxisMax(Math.max(low + 1, Math.ceil(Arrays.stream(all).max().getAsDouble())));
        }
        byPair.forEach((pair, rows) -> noiseBand(chart, pair, log2n(rows), rows, palette.pair(pair)));
        byPair.forEach((pair, rows) -> {
            Color colour = palette.pair(pair);
            double[] x = log2n(rows);
            line(chart, pair, x, tv(rows, TvSummaryRow::tv), colour, SOLID, Markers.WHEN_SPARSE, false);
            // Without markers: it nearly always lies on the nested estimate, and two sets of markers would blur both.
            line(chart, "random subsets " + pair, x, tv(rows, TvSummaryRow::tvRandomMean), colour, DOTTED,
                    Markers.WHEN_ALONE, false);
            line(chart, "baseline " + pair, x, tv(rows, TvSummaryRow::baseline), colour, DASHED, Markers.WHEN_ALONE,
                    false);
            line(chart, "noise floor " + pair, x, tv(rows, TvSummaryRow::nullMean), colour, DASH_DOT,
                    Markers.WHEN_ALONE, false);
        });
        return chart;
    }

    /**
     * One panel of the mixing curve's small multiples: one pair's all-trials TV at every record point with its
     * 95% interval for the true TV as error bars, and the noise floor (dashed, band: floor ± 2 sd). Every panel gets
     * the same axes ({@code axes}), so panels compare at a glance; the legend is left out, since the section's
     * caption says once what each line is.
     *
     * @param rows    the pair's all-trials rows, ascending (see {@link TvRows#allTrialsByEpoch})
     * @param bySteps x is the step, "SGD steps" (record points inside epochs exist), rather than the record epoch
     */
    static XYChart mixingPanel(String pair, List<TvSummaryRow> rows, Color colour, PanelAxes axes, boolean bySteps) {
        return mixingPanel(pair, rows, colour, axes, bySteps ? "SGD steps" : "record epoch",
                r -> TvRows.x(r, bySteps));
    }

    /**
     * {@link #mixingPanel(String, List, Color, PanelAxes, boolean)} on any x axis, e.g. a mixing study's steps after
     * the perturbation ({@link StudyCurves#stepsAfter}). The points where the pair is {@link Verdict#SEPARATED}, as
     * the verdict table calls them, are marked with a square ({@link #SEPARATED_SUFFIX}).
     *
     * @param title  the panel's title
     * @param xTitle the x axis's title
     * @param x      a row's place on the x axis
     */
    static XYChart mixingPanel(String title, List<TvSummaryRow> rows, Color colour, PanelAxes axes, String xTitle,
                               ToDoubleFunction<TvSummaryRow> x) {
        XYChart chart = base(title, xTitle, "mean TV over test images", PANEL_WIDTH, PANEL_HEIGHT);
        XYStyler styler = chart.getStyler();
        styler.setLegendVisible(false);
        styler.setChartTitleFont(new Font(FONT, Font.BOLD, 13));
        styler.setXAxisMin(axes.xMin());
        styler.setXAxisMax(axes.xMax());
        styler.setYAxisMin(0.0);
        styler.setYAxisMax(axes.yMax());
        double[] xs = rows.stream().mapToDouble(x).toArray();
        noiseBand(chart, title, xs, rows, colour);
        errorBars(chart, HIDDEN + title + " interval", xs, tv(rows, TvSummaryRow::ciLow),
                tv(rows, TvSummaryRow::ciHigh), colour);
        line(chart, title, xs, tv(rows, TvSummaryRow::tv), colour, SOLID, Markers.WHEN_SPARSE, false);
        line(chart, "noise floor " + title, xs, tv(rows, TvSummaryRow::nullMean), colour, DASHED, Markers.WHEN_ALONE,
                false);
        Points separated = new Points(false);
        for (int i = 0; i < xs.length; i++) {
            if (Verdict.of(rows.get(i)) == Verdict.SEPARATED) {
                separated.add(xs[i], rows.get(i).tv());
            }
        }
        if (!separated.isEmpty()) {
            XYSeries series = chart.addSeries(HIDDEN + title + SEPARATED_SUFFIX, separated.x(), separated.y());
            series.setXYSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
            series.setMarker(SeriesMarkers.SQUARE);
            series.setMarkerColor(colour.darker());
            series.setShowInLegend(false);
        }
        return chart;
    }

    /**
     * The axes that every panel of one set of small multiples shares.
     *
     * @param xMin first record point (epoch or step, {@link TvRows#x}), less a margin
     * @param xMax last record point, plus a margin
     * @param yMax the largest value any panel draws (TV, interval end, floor + 2 sd), plus a margin
     */
    record PanelAxes(double xMin, double xMax, double yMax) {

        /** Axes wide enough for every pair's all-trials rows, x as {@link TvRows#x}. */
        static PanelAxes of(Map<String, List<TvSummaryRow>> byPair, boolean bySteps) {
            return of(byPair.values(), r -> TvRows.x(r, bySteps));
        }

        /** Axes wide enough for every panel's rows, x as {@code x}. */
        static PanelAxes of(Collection<List<TvSummaryRow>> panels, ToDoubleFunction<TvSummaryRow> x) {
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            double top = 0.0;
            for (List<TvSummaryRow> rows : panels) {
                for (TvSummaryRow r : rows) {
                    min = Math.min(min, x.applyAsDouble(r));
                    max = Math.max(max, x.applyAsDouble(r));
                    for (double y : new double[] {r.tv(), r.ciHigh(), r.nullMean() + 2 * r.nullSd()}) {
                        if (Double.isFinite(y)) {
                            top = Math.max(top, y);
                        }
                    }
                }
            }
            double margin = Math.max(0.5, (max - min) * 0.04);
            return new PanelAxes(min - margin, max + margin, top > 0 ? top * 1.08 : 1.0);
        }
    }

    /** The names of the series a reader sees in the legend, in legend order. */
    static List<String> legend(XYChart chart) {
        return chart.getSeriesMap().values().stream().filter(XYSeries::isShowInLegend).map(XYSeries::getName)
                .toList();
    }

    private static XYChart perSchedule(List<EpochAggregate> aggregates, Palette palette,
                                       Function<EpochAggregate, Spread> quantity, boolean logY,
                                       String title, String yTitle) {
        XYChart chart = base(title, "epoch", yTitle);
        chart.getStyler().setYAxisLogarithmic(logY);
        Map<String, List<EpochAggregate>> bySchedule = bySchedule(aggregates);
        roundEpochTicks(chart, aggregates, a -> quantity.apply(a).mean(), logY);
        bySchedule.forEach((schedule, rows) -> band(chart, HIDDEN + schedule + " band", epochs(rows),
                field(rows, a -> quantity.apply(a).p10()), field(rows, a -> quantity.apply(a).p90()),
                Palette.translucent(palette.schedule(schedule), 40), logY));
        bySchedule.forEach((schedule, rows) -> line(chart, schedule, epochs(rows),
                field(rows, a -> quantity.apply(a).mean()), palette.schedule(schedule), SOLID, Markers.WHEN_SPARSE,
                logY));
        return chart;
    }

    private static XYChart base(String title, String xTitle, String yTitle) {
        return base(title, xTitle, yTitle, WIDTH, HEIGHT);
    }

    private static XYChart base(String title, String xTitle, String yTitle, int width, int height) {
        XYChart chart = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        XYStyler styler = chart.getStyler();
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setPlotBorderColor(new Color(0x999999));
        styler.setPlotGridLinesColor(new Color(0xE8E8E8));
        // Solid: the SVG encoder outlines every dash of a dashed line, which made grids half of each SVG file.
        styler.setPlotGridLinesStroke(new BasicStroke(1f));
        styler.setChartTitleBoxVisible(false);
        styler.setChartTitleFont(new Font(FONT, Font.BOLD, 15));
        styler.setAxisTitleFont(new Font(FONT, Font.PLAIN, 13));
        styler.setAxisTickLabelsFont(new Font(FONT, Font.PLAIN, 11));
        styler.setLegendFont(new Font(FONT, Font.PLAIN, 12));
        // Outside the plot, so the legend never covers data however the curves fall.
        styler.setLegendPosition(LegendPosition.OutsideE);
        styler.setLegendBorderColor(new Color(0xCCCCCC));
        styler.setLegendSeriesLineLength(28);
        styler.setMarkerSize(7);
        styler.setYAxisDecimalPattern("0.####");
        styler.setErrorBarsColorSeriesColor(true);
        styler.setToolTipsEnabled(false);
        styler.setAntiAlias(true);
        return chart;
    }

    /** A legend line; points that are not finite (or not positive on a log axis) are left out. */
    private static void line(XYChart chart, String name, double[] x, double[] y, Color colour, BasicStroke stroke,
                             Markers markers, boolean logY) {
        Points points = new Points(logY);
        for (int i = 0; i < x.length; i++) {
            points.add(x[i], y[i]);
        }
        if (points.isEmpty()) {
            return;
        }
        XYSeries series = chart.addSeries(name, points.x(), points.y());
        series.setXYSeriesRenderStyle(XYSeriesRenderStyle.Line);
        series.setLineColor(colour);
        series.setLineStyle(stroke);
        series.setMarkerColor(colour);
        if (markers == Markers.WHEN_ALONE) {
            // A diamond, so that a lone floor point is not mistaken for the estimate it sits next to.
            series.setMarker(points.size() == 1 ? SeriesMarkers.DIAMOND : SeriesMarkers.NONE);
        } else {
            series.setMarker(points.size() <= MARKERS_UP_TO ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        }
    }

    /**
     * Makes XChart label the epoch axis at round numbers (0, 20, 40, ...). XChart 3.8 puts ticks at the data's own x
     * values when those, in the order the series list them, are equally spaced, which for 200 epochs gives 1, 8, 15,
     * ... An invisible first series at the two ends of the range breaks that order and so restores the round ticks; its
     * y is a value the chart already shows, so it cannot stretch the y axis.
     */
    private static void roundEpochTicks(XYChart chart, List<EpochAggregate> aggregates,
                                        ToDoubleFunction<EpochAggregate> y, boolean logY) {
        Points points = new Points(logY);
        aggregates.forEach(a -> points.add(a.epoch(), y.applyAsDouble(a)));
        if (points.size() < 3) {
            return;
        }
        double[] x = points.x();
        double anyY = points.y()[0];
        XYSeries series = chart.addSeries(HIDDEN + "epoch range", new double[] {Arrays.stream(x).min().orElseThrow(),
                Arrays.stream(x).max().orElseThrow()}, new double[] {anyY, anyY});
        series.setXYSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
        series.setMarker(SeriesMarkers.NONE);
        series.setLineStyle(NO_LINE);
        series.setShowInLegend(false);
    }

    /** A filled band from {@code low} to {@code high}, not in the legend; needs two usable points to be drawn. */
    private static void band(XYChart chart, String name, double[] x, double[] low, double[] high, Color fill,
                             boolean logY) {
        Points upper = new Points(logY);
        Points lower = new Points(logY);
        for (int i = 0; i < x.length; i++) {
            if (Points.usable(x[i], low[i], logY) && Points.usable(x[i], high[i], logY)) {
                upper.add(x[i], high[i]);
                lower.add(x[i], low[i]);
            }
        }
        if (upper.size() < 2) {
            return;
        }
        // The polygon runs along the upper edge and back along the lower one.
        double[] px = concat(upper.x(), reversed(lower.x()));
        double[] py = concat(upper.y(), reversed(lower.y()));
        XYSeries series = chart.addSeries(name, px, py);
        series.setXYSeriesRenderStyle(XYSeriesRenderStyle.PolygonArea);
        series.setFillColor(fill);
        series.setLineColor(fill);
        series.setLineStyle(NO_LINE);
        series.setMarker(SeriesMarkers.NONE);
        series.setShowInLegend(false);
    }

    /**
     * Error bars from {@code low} to {@code high} (XChart's bars are symmetric, so the series sits at the midpoint and
     * draws neither line nor marker); not in the legend.
     */
    private static void errorBars(XYChart chart, String name, double[] x, double[] low, double[] high, Color colour) {
        List<double[]> bars = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            if (Double.isFinite(x[i]) && Double.isFinite(low[i]) && Double.isFinite(high[i])) {
                bars.add(new double[] {x[i], (low[i] + high[i]) / 2, Math.abs(high[i] - low[i]) / 2});
            }
        }
        if (bars.isEmpty()) {
            return;
        }
        XYSeries series = chart.addSeries(name, column(bars, 0), column(bars, 1), column(bars, 2));
        series.setXYSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
        series.setLineColor(colour);
        series.setMarker(SeriesMarkers.NONE);
        series.setShowInLegend(false);
    }

    /** The noise floor's band, floor ± 2 sd, where the sd is known. */
    private static void noiseBand(XYChart chart, String pair, double[] x, List<TvSummaryRow> rows, Color colour) {
        double[] low = tv(rows, r -> Math.max(0.0, r.nullMean() - 2 * r.nullSd()));
        double[] high = tv(rows, r -> r.nullMean() + 2 * r.nullSd());
        band(chart, HIDDEN + "noise band " + pair, x, low, high, Palette.translucent(colour, 30), false);
    }

    /**
     * Tick label of a log2 axis: the power of two at integer ticks, nothing in between. XChart widens the tick step
     * until all labels, including those just outside the axis, are distinct; blank labels in between and "1/2" rather
     * than a rounded "1" below n = 1 therefore make it settle on one tick per power of two.
     */
    static String powerOfTwo(double log2) {
        double k = Math.rint(log2);
        if (Math.abs(log2 - k) > 1e-9) {
            return "";
        }
        long power = Math.round(Math.pow(2, Math.abs(k)));
        return k >= 0 ? String.valueOf(power) : "1/" + power;
    }

    private static Map<String, List<EpochAggregate>> bySchedule(List<EpochAggregate> aggregates) {
        Map<String, List<EpochAggregate>> out = new LinkedHashMap<>();
        for (EpochAggregate a : aggregates) {
            out.computeIfAbsent(a.schedule(), s -> new ArrayList<>()).add(a);
        }
        return out;
    }

    private static double[] epochs(List<EpochAggregate> rows) {
        return rows.stream().mapToDouble(EpochAggregate::epoch).toArray();
    }

    private static double[] field(List<EpochAggregate> rows, ToDoubleFunction<EpochAggregate> f) {
        return rows.stream().mapToDouble(f).toArray();
    }

    private static double[] tv(List<TvSummaryRow> rows, ToDoubleFunction<TvSummaryRow> f) {
        return rows.stream().mapToDouble(f).toArray();
    }

    private static double[] log2n(List<TvSummaryRow> rows) {
        return rows.stream().mapToDouble(r -> r.n() > 0 ? Math.log(r.n()) / Math.log(2) : Double.NaN).toArray();
    }

    private static double[] column(List<double[]> rows, int j) {
        return rows.stream().mapToDouble(r -> r[j]).toArray();
    }

    private static double[] concat(double[] a, double[] b) {
        double[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static double[] reversed(double[] a) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[a.length - 1 - i];
        }
        return out;
    }

    private static BasicStroke dashes(float width, float... pattern) {
        return new BasicStroke(width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, pattern, 0f);
    }

    /** The usable points of a series: finite, and positive when the y axis is logarithmic. */
    private static final class Points {
        private final boolean logY;
        private final List<double[]> xy = new ArrayList<>();

        Points(boolean logY) {
            this.logY = logY;
        }

        static boolean usable(double x, double y, boolean logY) {
            return Double.isFinite(x) && Double.isFinite(y) && (!logY || y > 0);
        }

        void add(double x, double y) {
            if (usable(x, y, logY)) {
                xy.add(new double[] {x, y});
            }
        }

        boolean isEmpty() {
            return xy.isEmpty();
        }

        int size() {
            return xy.size();
        }

        double[] x() {
            return column(xy, 0);
        }

        double[] y() {
            return column(xy, 1);
        }
    }
}
