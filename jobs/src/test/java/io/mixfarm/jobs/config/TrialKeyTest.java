package io.mixfarm.jobs.config;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrialKeyTest {

    @Test
    void toStringAndParseRoundTrip() {
        TrialKey key = new TrialKey("Const", 7);
        assertEquals("Const/7", key.toString());
        assertEquals(key, TrialKey.parse("Const/7"));
        for (TrialKey each : List.of(new TrialKey("neg-control.v2", 0), new TrialKey("wd_1_2_lr_3_4", 123456),
                new TrialKey("x", Integer.MAX_VALUE))) {
            assertEquals(each, TrialKey.parse(each.toString()));
        }
        assertEquals(7, TrialKey.parseIndex("7"));
    }

    /** What a user who typed a bad key reads: one line quoting it and saying what is wrong. */
    @Test
    void aMalformedKeyIsOneLineQuotingIt() {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("Const", "trial key \"Const\": expected SCHEDULE/TRIAL, e.g. Const/7");
        expected.put("Const/", "trial key \"Const/\": expected SCHEDULE/TRIAL, e.g. Const/7");
        expected.put("/7", "trial key \"/7\": expected SCHEDULE/TRIAL, e.g. Const/7");
        expected.put("", "trial key \"\": expected SCHEDULE/TRIAL, e.g. Const/7");
        expected.put("Const/-1", "trial key \"Const/-1\": trial index \"-1\" is not a whole number >= 0");
        expected.put("Const/+7", "trial key \"Const/+7\": trial index \"+7\" is not a whole number >= 0");
        expected.put("Const/x", "trial key \"Const/x\": trial index \"x\" is not a whole number >= 0");
        expected.put("Const/99999999999", "trial key \"Const/99999999999\": trial index 99999999999 is too large");
        expected.put("a b/1", "trial key \"a b/1\": " + ScheduleName.problem("a b"));
        expected.put("a/b/1", "trial key \"a/b/1\": " + ScheduleName.problem("a/b"));
        expected.put("1cycle/0", "trial key \"1cycle/0\": " + ScheduleName.problem("1cycle"));
        expected.forEach((text, message) -> assertEquals(message,
                assertThrows(IllegalArgumentException.class, () -> TrialKey.parse(text), text).getMessage()));
        assertTrue(ScheduleName.problem("1cycle").startsWith("schedule name \"1cycle\" must start with a letter"));
    }

    @Test
    void keysAreCheckedWhereverTheyAreMade() {
        assertEquals("trial key Const/-1: the trial index must be >= 0",
                assertThrows(IllegalArgumentException.class, () -> new TrialKey("Const", -1)).getMessage());
        assertEquals("trial key _x/1: " + ScheduleName.problem("_x"),
                assertThrows(IllegalArgumentException.class, () -> new TrialKey("_x", 1)).getMessage());
        assertEquals("trial index \"\" is not a whole number >= 0",
                assertThrows(IllegalArgumentException.class, () -> TrialKey.parseIndex("")).getMessage());
    }

    @Test
    void keysOrderBySchedulesNameThenNumerically() {
        List<TrialKey> sorted = Stream.of("LR-decay/0", "Const/10", "Const/9", "Const/0").map(TrialKey::parse)
                .sorted().toList();
        assertEquals(List.of("Const/0", "Const/9", "Const/10", "LR-decay/0"),
                sorted.stream().map(TrialKey::toString).toList());
    }

    @Test
    void serializable() throws IOException, ClassNotFoundException {
        TrialKey key = new TrialKey("LR-decay", 42);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(key);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(key, in.readObject());
        }
    }
}
