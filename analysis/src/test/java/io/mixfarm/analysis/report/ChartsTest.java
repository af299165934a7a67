package io.mixfarm.analysis.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

class ChartsTest {

    @Test
    void log2AxisLabelsArePowersOfTwoAtIntegersOnly() {
        assertEquals("1", Charts.powerOfTwo(0));
        assertEquals("512", Charts.powerOfTwo(9));
        assertEquals("1/2", Charts.powerOfTwo(-1));
        assertEquals("", Charts.powerOfTwo(2.5));
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
