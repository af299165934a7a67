package io.mixfarm.core.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScheduleTextTest {

    @Test
    void parsesTheDocumentedExample() {
        Schedule s = Schedule.parse("x", "1: lr=0.1 wd=0.1; 121: lr=0.01 wd=0");
        assertEquals(new Schedule("x", List.of(new Phase(1, 0.1, 0.1), new Phase(121, 0.01, 0))), s);
    }

    @Test
    void laterPhasesKeepOmittedValues() {
        Schedule s = Schedule.parse("lr", "1: lr=0.4 wd=0.1; 41: lr=0.2; 81: lr=0.1; 121: lr=0.01 wd=0");
        assertEquals(List.of(
                new Phase(1, 0.4, 0.1),
                new Phase(41, 0.2, 0.1),
                new Phase(81, 0.1, 0.1),
                new Phase(121, 0.01, 0.0)), s.phases());
        Schedule w = Schedule.parse("wd", "1: lr=0.1 wd=0.4; 41: wd=0.2; 81: wd=0.1");
        assertEquals(new Phase(81, 0.1, 0.1), w.phases().get(2));
    }

    @Test
    void toleratesWhitespaceCommasCaseAndATrailingSemicolon() {
        Schedule expected = Schedule.parse("x", "1: lr=0.1 wd=0.001; 5: lr=0.2");
        assertEquals(expected, Schedule.parse("x",
                "\n  1 :LR = 1e-1 ,\twd=1E-3 ;\n 5:lr=0.2 ;\n"));
        assertEquals(expected, Schedule.parse("x", "1:lr=0.1,wd=0.001;5:lr=2e-1"));
    }

    @Test
    void toTextSpellsOutEveryValue() {
        Schedule s = Schedule.parse("x", "1: lr=0.4 wd=0.1; 41: lr=0.2; 121: lr=1e-4 wd=0");
        assertEquals("1: lr=0.4 wd=0.1; 41: lr=0.2 wd=0.1; 121: lr=1.0E-4 wd=0", s.toText());
    }

    @Test
    void momentumDefaultsToZeroCarriesOverAndIsSpelledOutOnlyWhenSomePhaseHasIt() {
        Schedule plain = Schedule.parse("x", "1: lr=0.1 wd=0.1; 121: lr=0.01 wd=0");
        assertEquals(0.0, plain.momentum(1));
        assertFalse(plain.hasMomentum());
        assertEquals("1: lr=0.1 wd=0.1; 121: lr=0.01 wd=0", plain.toText(), "plain SGD reads as before momentum");

        Schedule heavy = Schedule.parse("y", "1: lr=0.1 wd=5e-4 momentum=0.9; 81: lr=0.01; 121: momentum=0");
        assertEquals(List.of(new Phase(1, 0.1, 5e-4, 0.9), new Phase(81, 0.01, 5e-4, 0.9),
                new Phase(121, 0.01, 5e-4, 0.0)), heavy.phases());
        assertTrue(heavy.hasMomentum());
        assertEquals("1: lr=0.1 wd=5.0E-4 momentum=0.9; 81: lr=0.01 wd=5.0E-4 momentum=0.9; "
                + "121: lr=0.01 wd=5.0E-4 momentum=0", heavy.toText());
        assertEquals(heavy, Schedule.parse("y", heavy.toText()));
    }

    @Test
    void textRoundTripsExactly() {
        for (String name : Schedules.names()) {
            Schedule s = Schedules.named(name, 200);
            assertEquals(s, Schedule.parse(name, s.toText()));
        }
        for (String name : List.of("Schedule_1", "Schedule_4", "Schedule_5", "wd_0_0_lr_80_120")) {
            Schedule s = Schedules.named(name, 1200);
            assertEquals(s, Schedule.parse(name, s.toText()));
        }
        // Values that a short decimal format would round: the round trip must keep every bit.
        Random random = new Random(42);
        for (int trial = 0; trial < 1000; trial++) {
            Schedule s = new Schedule("r", List.of(
                    new Phase(1, random.nextDouble(), Math.scalb(random.nextDouble(), -random.nextInt(60))),
                    new Phase(2 + random.nextInt(1000), 1.0 / (1 + random.nextInt(1000)), 0.1 * 3),
                    new Phase(5000, 3.0, Double.MIN_VALUE),
                    new Phase(5001, Double.MAX_VALUE, 1e300)));
            assertEquals(s, Schedule.parse("r", s.toText()));
            assertEquals(s.toText(), Schedule.parse("r", s.toText()).toText());
        }
    }

    @ParameterizedTest(name = "{0}")
    // Backquote as the CSV quote, since the texts and messages contain both ' and ".
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            41 lr=0.2 in phase 2 | 1: lr=0.1 wd=0.1; 41 lr=0.2 | schedule "x": phase 2 "41 lr=0.2": expected "EPOCH: lr=.. wd=.."
            unknown key          | 1: lr=0.1 wd=0.1 nesterov=1 | phase 1 "1: lr=0.1 wd=0.1 nesterov=1": unknown key "nesterov"; expected lr, wd or momentum
            momentum of one      | 1: lr=0.1 wd=0.1 momentum=1 | phase 1 "1: lr=0.1 wd=0.1 momentum=1": momentum must be in [0, 1), got 1.0
            momentum twice       | 1: lr=0.1 wd=0.1 momentum=0.9 Momentum=0.5 | momentum given twice
            duplicate epoch      | 1: lr=0.1 wd=0.1; 41: lr=0.2; 41: wd=0 | phase 3 "41: wd=0": epoch 41 is not after the previous phase's epoch 41; epochs must strictly increase
            decreasing epoch     | 1: lr=0.1 wd=0.1; 81: lr=0.2; 41: wd=0 | phase 3 "41: wd=0": epoch 41 is not after the previous phase's epoch 81
            negative lr          | 1: lr=-0.1 wd=0.1 | phase 1 "1: lr=-0.1 wd=0.1": lr must be finite and >= 0, got -0.1
            negative wd later    | 1: lr=0.1 wd=0.1; 41: wd=-1e-3 | phase 2 "41: wd=-1e-3": wd must be finite and >= 0, got -0.001
            NaN                  | 1: lr=NaN wd=0.1 | phase 1 "1: lr=NaN wd=0.1": lr must be finite and >= 0, got NaN
            infinite             | 1: lr=0.1 wd=Infinity | wd must be finite and >= 0, got Infinity
            first not at 1       | 5: lr=0.1 wd=0.1 | phase 1 "5: lr=0.1 wd=0.1": the first phase must start at epoch 1, got 5
            first at 0           | 0: lr=0.1 wd=0.1 | the first phase must start at epoch 1, got 0
            first missing wd     | 1: lr=0.1; 41: wd=0.1 | phase 1 "1: lr=0.1": the first phase must set wd
            first missing lr     | 1: wd=0.1 | phase 1 "1: wd=0.1": the first phase must set lr
            not a number         | 1: lr=abc wd=0.1 | phase 1 "1: lr=abc wd=0.1": lr "abc" is not a number
            empty value          | 1: lr= wd=0.1 | lr "wd=0.1" is not a number
            epoch not a number   | 1: lr=0.1 wd=0.1; x1: lr=0.2 | phase 2 "x1: lr=0.2": epoch "x1" is not a whole number; expected "EPOCH: lr=.. wd=.."
            signed epoch         | 1: lr=0.1 wd=0.1; +41: lr=0.2 | epoch "+41" is not a whole number
            huge epoch           | 1: lr=0.1 wd=0.1; 99999999999: lr=0.2 | epoch 99999999999 is too large
            lr twice             | 1: lr=0.1 lr=0.2 wd=0.1 | phase 1 "1: lr=0.1 lr=0.2 wd=0.1": lr given twice
            wd twice             | 1: lr=0.1 wd=0.1 WD=0.2 | wd given twice
            no settings          | 1: lr=0.1 wd=0.1; 41: | phase 2 "41:": no settings; expected "EPOCH: lr=.. wd=.."
            setting without =    | 1: lr 0.1 wd=0.1 | setting "lr" is not KEY=VALUE; expected lr=.., wd=.. or momentum=..
            missing semicolon    | 1: lr=0.1 wd=0.1 41: lr=0.2 | "41:" looks like the start of another phase; missing ';'?
            empty middle phase   | 1: lr=0.1 wd=0.1;; 41: lr=0.2 | schedule "x": phase 2 is empty; expected "EPOCH: lr=.. wd=.."
            """)
    void errorsNameTheProblem(String kind, String text, String expected) {
        var e = assertThrows(IllegalArgumentException.class, () -> Schedule.parse("x", text));
        String message = e.getMessage();
        assertTrue(message.contains(expected), kind + ": " + message);
        assertTrue(message.startsWith("schedule \"x\": "), kind + ": " + message);
        assertFalse(message.contains("\n"), kind + ": " + message);
    }

    @Test
    void emptyTextIsAnError() {
        for (String text : new String[] {"", "   ", "\n\t"}) {
            var e = assertThrows(IllegalArgumentException.class, () -> Schedule.parse("x", text));
            assertEquals("schedule \"x\": empty text; expected \"EPOCH: lr=.. wd=..\" phases"
                    + " separated by ';'", e.getMessage());
        }
    }

    @Test
    void errorMessagesStayOnOneLineForMultiLineInput() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Schedule.parse("x", "1: lr=0.1\n   wd=0.1;\n 41:\n  lr=-2"));
        assertEquals("schedule \"x\": phase 2 \"41: lr=-2\": lr must be finite and >= 0, got -2.0",
                e.getMessage());
    }

    @Test
    void numbersFormatShortAndExact() {
        assertEquals("0", ScheduleText.number(0.0));
        assertEquals("3", ScheduleText.number(3.0));
        assertEquals("0.01", ScheduleText.number(0.01));
        assertEquals("1.0E-4", ScheduleText.number(1e-4));
        assertEquals("9.007199254740992E15", ScheduleText.number(0x1p53));
    }
}
