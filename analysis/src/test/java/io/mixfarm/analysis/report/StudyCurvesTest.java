package io.mixfarm.analysis.report;

import io.mixfarm.analysis.mixing.Perturbation;
import io.mixfarm.analysis.tv.Design;
import io.mixfarm.analysis.tv.TvSummaryRow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A mixing-time study's TV curves in the report: per intrinsic LR, its (R, P) pair's all-trials rows from the
 * perturbation on, against the steps after it, on shared axes, with separated points marked.
 */
class StudyCurvesTest {

    /** T0 = 2 epochs of S = 10 steps: the perturbation is at step 20. */
    static final StudyCurves CURVES = new StudyCurves(List.of(
            new StudyCurves.Branch(0.04, "R-0.04", "P-0.04"), new StudyCurves.Branch(0.01, "R-0.01", "P-0.01")),
            new Perturbation(2, 10));

    private static TvSummaryRow row(String a, String b, int epoch, Long step, double tv, double pValue) {
        return new TvSummaryRow(epoch, a, b, 8, 8, 8, tv, tv, 0, 0.3, 0.05, 0.01, pValue, tv - 0.05, tv - 0.02,
                tv + 0.02, true, Double.NaN, 0, 0, Design.PAIRED, step);
    }

    /** Steps 10 (before the perturbation), 20 (t = 0), 25, 30, 40 of both branches, and an unrelated pair. */
    static List<TvSummaryRow> rows() {
        List<TvSummaryRow> rows = new ArrayList<>();
        long[] steps = {10, 20, 25, 30, 40};
        double[] tv04 = {0, 0, 0.40, 0.15, 0.06};
        double[] tv01 = {0, 0, 0.45, 0.35, 0.20};
        double[] p = {1, 1, 0.0002, 0.004, 0.6};
        for (int i = 0; i < steps.length; i++) {
            int epoch = (int) ((steps[i] + 9) / 10);
            rows.add(row("R-0.04", "P-0.04", epoch, steps[i], tv04[i], p[i]));
            rows.add(row("R-0.01", "P-0.01", epoch, steps[i], tv01[i], p[i]));
            rows.add(row("R-0.04", "R-0.01", epoch, steps[i], 0.5, 0.0002));
        }
        return TvSummaryRow.withHolm(rows);
    }

    @Test
    void aBranchsCurveStartsAtThePerturbationAndCountsStepsFromIt() {
        Map<String, List<TvSummaryRow>> byPair = TvRows.allTrialsByEpoch(rows());
        List<TvSummaryRow> curve = CURVES.curve(byPair, CURVES.branches().get(0));
        assertEquals(List.of(0.0, 5.0, 10.0, 20.0), curve.stream().map(CURVES::stepsAfter).toList());
        assertTrue(curve.stream().allMatch(r -> r.a().equals("R-0.04") && r.b().equals("P-0.04")), curve.toString());
        // A folder written before steps were recorded: the point is its epoch's end.
        assertEquals(10.0, CURVES.stepsAfter(row("R-0.04", "P-0.04", 3, null, 0.1, 0.5)));
    }

    @Test
    void aPanelDrawsTheCurveFloorIntervalsAndMarksSeparatedPoints() {
        List<TvSummaryRow> all = rows();
        Map<String, List<TvSummaryRow>> byPair = TvRows.allTrialsByEpoch(all);
        List<TvSummaryRow> curve = CURVES.curve(byPair, CURVES.branches().get(1));
        Charts.PanelAxes axes = Charts.PanelAxes.of(List.of(curve), CURVES::stepsAfter);
        XYChart chart = Charts.mixingPanel("λ_e = 0.01", curve, Color.BLUE, axes,
                "SGD steps after the perturbation", CURVES::stepsAfter);
        assertEquals("SGD steps after the perturbation", chart.getXAxisTitle());
        Map<String, XYSeries> series = chart.getSeriesMap();
        assertEquals(List.of(0.0, 5.0, 10.0, 20.0), Arrays.stream(series.get("λ_e = 0.01").getXData()).boxed()
                .toList());
        assertEquals(List.of(0.05, 0.05, 0.05, 0.05), Arrays.stream(series.get("noise floor λ_e = 0.01").getYData())
                .boxed().toList());
        // Holm over the run's 15 all-trials rows: 0.0002 x at most 15 and 0.004 x at most 8 stay below 0.05; 0.6
        // does not.
        XYSeries separated = series.get("hidden: λ_e = 0.01" + Charts.SEPARATED_SUFFIX);
        assertEquals(List.of(5.0, 10.0), Arrays.stream(separated.getXData()).boxed().toList());
        assertEquals(List.of(0.45, 0.35), Arrays.stream(separated.getYData()).boxed().toList());
        for (TvSummaryRow r : curve) {
            assertEquals(CURVES.stepsAfter(r) == 5.0 || CURVES.stepsAfter(r) == 10.0,
                    Verdict.of(r) == Verdict.SEPARATED, "marked exactly where the verdict table says separated: " + r);
        }
    }

    @Test
    void theReportHasOnePanelPerIntrinsicLrOnSharedAxesOnlyForAStudy(@TempDir Path dir) throws Exception {
        ReportFiles files = Report.write(dir.resolve("study"), "study", List.of(), rows(), Optional.of(CURVES),
                List.of(), List.of(), Map.of());
        String html = Files.readString(files.html());
        assertTrue(html.contains("<h2 id=\"mixing-study\">Mixing-time study: TV against steps after the perturbation"
                + "</h2>"), html);
        for (String panel : List.of("mixing_study_1", "mixing_study_2")) {
            assertTrue(files.charts().contains(dir.resolve("study").resolve(panel + ".png")),
                    files.charts().toString());
            assertTrue(files.charts().contains(dir.resolve("study").resolve(panel + ".svg")));
            assertTrue(Files.size(dir.resolve("study").resolve(panel + ".png")) > 1000);
            assertTrue(html.contains("<figure id=\"" + panel + "-figure\">"), panel);
        }
        assertTrue(html.contains("λ_e = 0.04: R-0.04 vs P-0.04, paired"));
        assertTrue(html.contains("λ_e = 0.01: R-0.01 vs P-0.01, paired"));
        assertTrue(files.skipped().stream().noneMatch(s -> s.startsWith("mixing")), files.skipped().toString());

        ReportFiles plain = Report.write(dir.resolve("plain"), "plain", List.of(), rows(), Map.of());
        assertFalse(Files.readString(plain.html()).contains("mixing-study"));
        assertFalse(Files.exists(dir.resolve("plain").resolve("mixing_study_1.png")));
    }

    @Test
    void aBranchWithoutRowsYetIsListedAsSkipped(@TempDir Path dir) throws Exception {
        List<TvSummaryRow> only04 = rows().stream().filter(r -> !r.b().equals("P-0.01")).toList();
        ReportFiles files = Report.write(dir, "early", List.of(), only04, Optional.of(CURVES), List.of(), List.of(),
                Map.of());
        assertTrue(Files.exists(dir.resolve("mixing_study_1.png")));
        assertEquals(List.of("mixing_study_2 (λ_e = 0.01): no tv_summary rows of R-0.01 and P-0.01 from the"
                + " perturbation on"), files.skipped().stream().filter(s -> s.startsWith("mixing")).toList());
    }
}
