package io.mixfarm.analysis.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mixfarm.analysis.tv.Design;
import io.mixfarm.analysis.tv.TvSummaryRow;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartsTest {

    @Test
    void log2AxisLabelsArePowersOfTwoAtIntegersOnly() {
        assertEquals("1", Charts.powerOfTwo(0));
        assertEquals("512", Charts.powerOfTwo(9));
        assertEquals("1/2", Charts.powerOfTwo(-1));
        assertEquals("", Charts.powerOfTwo(2.5));
    }

    /**
     * With 3 trials per schedule the curve has the one point n = 3: the axis XChart chose around log2 3 held no
     * integer, so every tick label was blank and drawing the chart failed ("Zero length string").
     */
    @Test
    void aCurveOfOneNonPowerOfTwoPointIsDrawn(@TempDir Path dir) throws IOException {
        TvSummaryRow row = new TvSummaryRow(2, "Const", "LR-decay", 3, 3, 3, 0.2, Double.NaN, Double.NaN, 0.05, 0.15,
                0.02, 0.3, 0.05, 0.0, 0.4, true, 0.3, 0, 0, Design.UNPAIRED);
        Palette palette = new Palette(List.of("Const", "LR-decay"), List.of("Const vs LR-decay"));
        ChartWriter.write(Charts.tvVsN(2, Map.of("Const vs LR-decay", List.of(row)), palette), dir, "tv_vs_n");
    }

    @Test
    void theErrorsLegendNamesEachScheduleTestAndTrainAndHidesTheBands() {
        List<EpochAggregate> aggregates = EpochAggregate.of(Synthetic.metrics(List.of("Const", "LR-decay"), 3, 5, 1));
        Palette palette = new Palette(List.of("Const", "LR-decay"), List.of());
        assertEquals(List.of("Const test", "Const train", "LR-decay test", "LR-decay train"),
                Charts.legend(Charts.errors(aggregates, palette)));
    }

    @Test
    void svgDecimalsAreRoundedToHundredthsAndIntegersAreLeftAlone() {
        assertEquals("<path d=\"M1.23,-4.57 L10,0.5 L3\"/>",
                ChartWriter.shortenDecimals("<path d=\"M1.234,-4.5678 L10.0001,0.5 L3\"/>"));
    }
}
