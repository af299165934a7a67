package io.mixfarm.analysis.report;

import io.mixfarm.analysis.mixing.Clock;
import io.mixfarm.analysis.mixing.MixingStudyRow;
import io.mixfarm.analysis.mixing.MixingSummaryRow;
import io.mixfarm.analysis.tv.Design;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The mixing study's scaling-law chart draws what mixing_summary and mixing_laws say, and the report shows it. */
class ScalingLawChartTest {

    /** T_mix = 4 / lambda_e exactly (slope 1); the norm clock settled only at the smallest LR. */
    private static final List<MixingSummaryRow> ROWS = List.of(
            row(0.04, 100, 80, 130, Double.NaN, Double.NaN, Double.POSITIVE_INFINITY),
            row(0.02, 200, 150, Double.POSITIVE_INFINITY, Double.NaN, Double.NaN, Double.NaN),
            row(0.01, 400, 300, 500, 90, 70, 110));
    private static final List<MixingStudyRow> LAWS = List.of(
            new MixingStudyRow(Clock.FUNCTION_SPACE, Math.log(4), 1.0, 0.8, 1.2, 3, 100, 0),
            new MixingStudyRow(Clock.NORM, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 3, 100, 100));

    private static MixingSummaryRow row(double lambdaE, double tmix, double low, double high, double norm,
                                        double normLow, double normHigh) {
        return new MixingSummaryRow(lambdaE, Design.PAIRED, 20, tmix, low, high, norm, normLow, normHigh, 0.1, 0.09,
                0.11, 4 * lambdaE);
    }

    @Test
    void pointsIntervalsFitAndSlopeOneOnLogLogAxes() {
        XYChart chart = Charts.scalingLaw(ROWS, LAWS);
        assertTrue(chart.getStyler().isXAxisLogarithmic());
        assertTrue(chart.getStyler().isYAxisLogarithmic());
        Map<String, XYSeries> series = chart.getSeriesMap();

        XYSeries tmix = series.get("function-space T");
        assertArrayEquals(new double[] {25, 50, 100}, tmix.getXData(), 1e-12);
        assertArrayEquals(new double[] {100, 200, 400}, tmix.getYData(), 1e-12);
        // A time that did not settle has no point.
        assertArrayEquals(new double[] {100}, series.get("norm T").getXData(), 1e-12);
        // Bounded intervals are bars at their LR; the unbounded one (0.02's upper end) is not drawn.
        assertArrayEquals(new double[] {80, 130}, series.get("hidden: function-space interval 0").getYData());
        assertFalse(series.containsKey("hidden: function-space interval 1"));
        assertArrayEquals(new double[] {300, 500}, series.get("hidden: function-space interval 2").getYData());
        assertArrayEquals(new double[] {70, 110}, series.get("hidden: norm interval 2").getYData());
        // The fit exp(a) x^b over the LRs' range, its slope's interval in the legend; here it is the slope-1 line,
        // which passes through the fit's centre.
        XYSeries fit = series.get("function-space fit, slope 1.00 [0.80, 1.20]");
        assertArrayEquals(new double[] {25, 100}, fit.getXData(), 1e-12);
        assertArrayEquals(new double[] {100, 400}, fit.getYData(), 1e-9);
        assertArrayEquals(new double[] {100, 400}, series.get("slope 1").getYData(), 1e-9);
        // No fit of a clock without a slope.
        assertTrue(series.keySet().stream().noneMatch(name -> name.startsWith("norm fit")), series.keySet()
                .toString());
        assertEquals(List.of("function-space T", "function-space fit, slope 1.00 [0.80, 1.20]", "norm T", "slope 1"),
                Charts.legend(chart));
    }

    @Test
    void withoutAFunctionSpaceFitTheSlopeOneReferencePassesThroughTheTimesCentre() {
        // No law has a slope (too many resamples unsettled): the conjecture's reference is still drawn, through the
        // geometric centre of the function-space times, (50, 200).
        XYChart chart = Charts.scalingLaw(ROWS, List.of(LAWS.get(1)));
        XYSeries reference = chart.getSeriesMap().get("slope 1");
        assertArrayEquals(new double[] {25, 100}, reference.getXData(), 1e-12);
        assertArrayEquals(new double[] {100, 400}, reference.getYData(), 1e-9);
        XYChart noLaws = Charts.scalingLaw(ROWS, List.of());
        assertArrayEquals(new double[] {100, 400}, noLaws.getSeriesMap().get("slope 1").getYData(), 1e-9);
        // A fit without an interval says its slope alone.
        XYChart noInterval = Charts.scalingLaw(ROWS, List.of(new MixingStudyRow(Clock.FUNCTION_SPACE, Math.log(4),
                1.0, Double.NaN, Double.NaN, 3, 100, 10)));
        assertTrue(noInterval.getSeriesMap().containsKey("function-space fit, slope 1.00"),
                noInterval.getSeriesMap().keySet().toString());
    }

    @Test
    void theReportHasTheChartOnlyForAMixingStudy(@TempDir Path dir) throws Exception {
        ReportFiles study = Report.write(dir.resolve("study"), "study", List.of(), List.of(), ROWS, LAWS, Map.of());
        assertTrue(study.charts().contains(dir.resolve("study").resolve("mixing_law.png")), study.charts()
                .toString());
        assertTrue(Files.readString(study.html()).contains("Mixing time against 1/λ_e"));
        ReportFiles plain = Report.write(dir.resolve("plain"), "plain", List.of(), List.of(), Map.of());
        assertFalse(Files.readString(plain.html()).contains("Mixing time against 1/λ_e"));
    }
}
