package io.mixfarm.analysis.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
