package io.mixfarm.core.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SchedulesTest {

    /** docs/method.md, "Schedules", figure 3 of the paper: (schedule, epoch, eta, lambda). */
    @ParameterizedTest(name = "{0} epoch {1}: lr {2} wd {3}")
    @CsvSource(textBlock = """
            Const,      1, 0.1,  0.1
            Const,     40, 0.1,  0.1
            Const,     41, 0.1,  0.1
            Const,     80, 0.1,  0.1
            Const,     81, 0.1,  0.1
            Const,    120, 0.1,  0.1
            Const,    121, 0.01, 0
            Const,    200, 0.01, 0
            LR-decay,   1, 0.4,  0.1
            LR-decay,  40, 0.4,  0.1
            LR-decay,  41, 0.2,  0.1
            LR-decay,  80, 0.2,  0.1
            LR-decay,  81, 0.1,  0.1
            LR-decay, 120, 0.1,  0.1
            LR-decay, 121, 0.01, 0
            LR-decay, 200, 0.01, 0
            WD-decay,   1, 0.1,  0.4
            WD-decay,  40, 0.1,  0.4
            WD-decay,  41, 0.1,  0.2
            WD-decay,  80, 0.1,  0.2
            WD-decay,  81, 0.1,  0.1
            WD-decay, 120, 0.1,  0.1
            WD-decay, 121, 0.01, 0
            WD-decay, 200, 0.01, 0
            """)
    void reproducesThePaperTableAt200Epochs(String name, int epoch, double lr, double wd) {
        Schedule s = Schedules.named(name, Schedules.PAPER_EPOCHS);
        assertEquals(name, s.name());
        assertEquals(lr, s.lr(epoch));
        assertEquals(wd, s.wd(epoch));
        assertEquals(lr * wd, s.intrinsicLr(epoch));
    }

    @Test
    void allThreeShareIntrinsicLrOneHundredthInEpochs81To120() {
        for (int epoch = 81; epoch <= 120; epoch++) {
            double constant = Schedules.named("Const", 200).intrinsicLr(epoch);
            assertEquals(0.01, constant, 1e-15);
            assertEquals(constant, Schedules.named("LR-decay", 200).intrinsicLr(epoch));
            assertEquals(constant, Schedules.named("WD-decay", 200).intrinsicLr(epoch));
        }
        // ... and only there, before the fine-tune phase.
        assertEquals(0.04, Schedules.named("LR-decay", 200).intrinsicLr(40), 1e-15);
        assertEquals(0.02, Schedules.named("WD-decay", 200).intrinsicLr(80), 1e-15);
    }

    @Test
    void paperBoundariesAt200Epochs() {
        List<Integer> paper = List.of(41, 81, 121);
        assertEquals(paper, Schedules.boundaries(200));
        for (String name : Schedules.names()) {
            assertEquals(paper, Schedules.named(name, 200).boundaries(), name);
        }
    }

    @ParameterizedTest(name = "E={0}: {1}, {2}, {3}")
    @CsvSource(textBlock = """
            4,     2,   3,   4
            5,     2,   3,   4
            6,     2,   3,   5
            10,    3,   5,   7
            20,    5,   9,  13
            100,  21,  41,  61
            200,  41,  81, 121
            400,  81, 161, 241
            """)
    void boundariesScaleWithTheEpochCount(int epochs, int b1, int b2, int b3) {
        assertEquals(List.of(b1, b2, b3), Schedules.boundaries(epochs));
        assertEquals(List.of(b1, b2, b3), Schedules.named("wd-decay", epochs).boundaries());
    }

    @Test
    void boundariesStayStrictlyIncreasingAndWithinTheRun() {
        for (int epochs = Schedules.MIN_EPOCHS; epochs <= 10_000; epochs++) {
            List<Integer> b = Schedules.boundaries(epochs);
            String where = "E=" + epochs + ": " + b;
            assertTrue(1 < b.get(0) && b.get(0) < b.get(1) && b.get(1) < b.get(2), where);
            assertTrue(b.get(2) <= epochs, where);
            Schedules.named("Const", epochs).requireWithin(epochs);
        }
    }

    @Test
    void tooFewEpochsIsAnError() {
        var e = assertThrows(IllegalArgumentException.class, () -> Schedules.named("Const", 3));
        assertTrue(e.getMessage().contains("at least 4 epochs (one per phase), got 3"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"const", "CONST", " Const ", "lr-decay", "lr_decay", "LR_DECAY",
            "wd-decay", "wd_decay", "WD-Decay"})
    void namesAreCaseInsensitiveAndAcceptUnderscores(String name) {
        String canonical = Schedules.named(name, 200).name();
        assertTrue(Schedules.names().contains(canonical), canonical);
        assertEquals(canonical.toLowerCase(), name.strip().toLowerCase().replace('_', '-'));
    }

    @Test
    void namesAreThePaperNames() {
        assertEquals(List.of("Const", "LR-decay", "WD-decay"), Schedules.names());
    }

    @Test
    void unknownNameListsTheAcceptedNames() {
        var e = assertThrows(IllegalArgumentException.class, () -> Schedules.named("cosine", 200));
        assertTrue(e.getMessage().startsWith("unknown schedule \"cosine\"; expected one of "
                + "Const, LR-decay, WD-decay"), e.getMessage());
        // The name is checked first, so a typo is not hidden behind an epoch-count error.
        e = assertThrows(IllegalArgumentException.class, () -> Schedules.named("lr-decy", 2));
        assertTrue(e.getMessage().contains("unknown schedule \"lr-decy\""), e.getMessage());
    }

    @Test
    void resolveAcceptsNamesAndTexts() {
        assertEquals(Schedules.named("LR-decay", 100), Schedules.resolve("lr_decay", 100));
        Schedule text = Schedules.resolve("1: lr=0.1 wd=0.1;  121:lr=0.01 wd=0", 200);
        assertEquals(List.of(new Phase(1, 0.1, 0.1), new Phase(121, 0.01, 0)), text.phases());
        assertEquals("1: lr=0.1 wd=0.1; 121: lr=0.01 wd=0", text.name());
        // The paper's LR-decay, typed as text, is the named one up to its name.
        Schedule typed = Schedules.resolve("1: lr=0.4 wd=0.1; 41: lr=0.2; 81: lr=0.1; 121: lr=0.01 wd=0", 200);
        assertEquals(Schedules.named("LR-decay", 200).phases(), typed.phases());
    }

    @Test
    void resolveChecksTextsAgainstTheEpochCount() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Schedules.resolve("1: lr=0.1 wd=0.1; 121: lr=0.01 wd=0", 100));
        assertEquals("schedule \"custom\": phase 2 starts at epoch 121, after the last epoch 100",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Schedules.resolve("1: lr=0.1 wd=0.1; 41 lr=0.2", 100));
        assertEquals("schedule \"custom\": phase 2 \"41 lr=0.2\": expected \"EPOCH: lr=.. wd=..\"",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Schedules.resolve("cosine", 100));
        assertTrue(e.getMessage().contains("expected one of Const, LR-decay, WD-decay"), e.getMessage());
    }
}
