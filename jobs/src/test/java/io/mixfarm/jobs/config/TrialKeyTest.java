package io.mixfarm.jobs.config;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TrialKeyTest {

    @Test
    void toStringAndParseRoundTrip() {
        TrialKey key = new TrialKey("Const", 7);
        assertEquals("Const/7", key.toString());
        assertEquals(key, TrialKey.parse("Const/7"));
        assertEquals(new TrialKey("neg-control.v2", 0), TrialKey.parse("neg-control.v2/0"));
    }

    @Test
    void rejectsMalformedKeys() {
        for (String text : new String[] {"Const", "Const/", "/7", "Const/-1", "Const/+7", "Const/x", "a b/1",
                "Const/99999999999"}) {
            assertThrows(ConfigException.class, () -> TrialKey.parse(text), text);
        }
        assertThrows(ConfigException.class, () -> new TrialKey("Const", -1));
        assertThrows(ConfigException.class, () -> new TrialKey("a/b", 1));
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
