package io.mixfarm.analysis.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mixfarm.analysis.tv.TvSummaryRow;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class TvRowsTest {

    private static TvSummaryRow row(int epoch, String a, String b, int n, int trialsA, int trialsB, double tv) {
        // The job marks the row of every trial; here, as there, it is the one that used the most trials.
        boolean allTrials = (trialsA == 500 || trialsA == 8) && n == Math.min(trialsA, trialsB);
        return new TvSummaryRow(epoch, a, b, n, trialsA, trialsB, tv, tv, 0, 0.02, 0.01, 0.001, 0.5, tv - 0.01,
                tv - 0.001, tv + 0.001, allTrials, Double.NaN);
    }

    @Test
    void theMixingCurveTakesTheAllTrialsRowOfEachEpoch() {
        List<TvSummaryRow> rows = List.of(
                row(200, "Const", "LR-decay", 4, 4, 4, 0.30),
                row(120, "Const", "LR-decay", 498, 500, 498, 0.11),
                row(120, "Const", "LR-decay", 256, 256, 256, 0.13),
                row(200, "Const", "LR-decay", 8, 8, 8, 0.20));
        Map<String, List<TvSummaryRow>> curve = TvRows.allTrialsByEpoch(rows);
        assertEquals(List.of("Const vs LR-decay"), List.copyOf(curve.keySet()));
        assertEquals(List.of(0.11, 0.20), curve.get("Const vs LR-decay").stream().map(TvSummaryRow::tv).toList());
    }

    @Test
    void theNCurveIsAscendingAndKeepsTheBalancedRowOfAnN() {
        List<TvSummaryRow> rows = List.of(
                row(120, "LR-decay", "WD-decay", 498, 498, 500, 0.11),
                row(120, "LR-decay", "WD-decay", 498, 498, 498, 0.12),
                row(120, "LR-decay", "WD-decay", 2, 2, 2, 0.40),
                row(120, "Const", "LR-decay", 1, 1, 1, 0.50),
                row(200, "Const", "LR-decay", 1, 1, 1, 0.60));
        Map<String, List<TvSummaryRow>> byN = TvRows.byN(rows, 120);
        assertEquals(List.of("Const vs LR-decay", "LR-decay vs WD-decay"), List.copyOf(byN.keySet()));
        assertEquals(List.of(0.40, 0.12), byN.get("LR-decay vs WD-decay").stream().map(TvSummaryRow::tv).toList());
        assertEquals(List.of(120, 200), TvRows.epochs(rows));
    }

    @Test
    void recordPointsInsideEpochsPutTheMixingCurveOnStepsAndTheNCurveAtTheEpochsEnd() {
        // Epoch 2 ends at step 10 and has points inside it at steps 7 and 9; the curve against n is at its end.
        List<TvSummaryRow> rows = List.of(
                row(2, "Const", "LR-decay", 8, 8, 8, 0.20).withStep(10L),
                row(2, "Const", "LR-decay", 2, 2, 2, 0.40).withStep(10L),
                row(2, "Const", "LR-decay", 8, 8, 8, 0.35).withStep(7L),
                row(2, "Const", "LR-decay", 8, 8, 8, 0.30).withStep(9L),
                row(1, "Const", "LR-decay", 8, 8, 8, 0.50).withStep(5L));
        assertTrue(TvRows.bySteps(rows));
        assertEquals(List.of(0.50, 0.35, 0.30, 0.20), TvRows.allTrialsByEpoch(rows).get("Const vs LR-decay").stream()
                .map(TvSummaryRow::tv).toList(), "every point, in step order");
        assertEquals(List.of(0.40, 0.20), TvRows.byN(rows, 2).get("Const vs LR-decay").stream()
                .map(TvSummaryRow::tv).toList(), "the n curve of the epoch's end only");
        assertEquals(9.0, TvRows.x(rows.get(3), true));

        List<TvSummaryRow> ends = List.of(rows.get(0), rows.get(4));
        assertFalse(TvRows.bySteps(ends), "one point per epoch: the epoch stays the axis");
        assertFalse(TvRows.bySteps(List.of(row(2, "Const", "LR-decay", 8, 8, 8, 0.2))), "no steps recorded");
        assertEquals(2.0, TvRows.x(rows.get(3), false));
    }

    @Test
    void theMixingPanelOfPointsInsideEpochsIsDrawnAgainstSgdSteps() {
        List<TvSummaryRow> rows = List.of(row(1, "Const", "LR-decay", 8, 8, 8, 0.50).withStep(5L),
                row(2, "Const", "LR-decay", 8, 8, 8, 0.35).withStep(7L),
                row(2, "Const", "LR-decay", 8, 8, 8, 0.20).withStep(10L));
        Map<String, List<TvSummaryRow>> byPair = TvRows.allTrialsByEpoch(rows);
        Charts.PanelAxes axes = Charts.PanelAxes.of(byPair, true);
        assertTrue(axes.xMin() < 5 && axes.xMax() > 10 && axes.xMax() < 12, axes.toString());
        org.knowm.xchart.XYChart chart = Charts.mixingPanel("Const vs LR-decay", byPair.get("Const vs LR-decay"),
                java.awt.Color.BLUE, axes, true);
        assertEquals("SGD steps", chart.getXAxisTitle());
        double[] x = chart.getSeriesMap().get("Const vs LR-decay").getXData();
        assertEquals(List.of(5.0, 7.0, 10.0), java.util.Arrays.stream(x).boxed().toList());
        assertEquals("record epoch", Charts.mixingPanel("Const vs LR-decay", byPair.get("Const vs LR-decay"),
                java.awt.Color.BLUE, Charts.PanelAxes.of(byPair, false), false).getXAxisTitle());
    }
}
