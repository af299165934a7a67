package io.mixfarm.jobs.farm;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Injected trial failures, for testing the farm's failure handling end to end (hidden CLI option
 * {@code --inject-faults}). Form: {@code Const/1=1,LR-decay/0=always}: trial Const/1 throws on its first
 * attempt only, LR-decay/0 on every attempt.
 *
 * @param failingAttempts per "schedule/trial" key, how many first attempts throw ({@link Integer#MAX_VALUE}: all)
 */
public record Faults(Map<String, Integer> failingAttempts) implements Serializable {

    /** No injected failures. */
    public static final Faults NONE = new Faults(Map.of());

    public Faults {
        failingAttempts = Map.copyOf(failingAttempts);
    }

    /** Parses the text form; empty or null means none. */
    public static Faults parse(String text) {
        if (text == null || text.isBlank()) {
            return NONE;
        }
        Map<String, Integer> map = new LinkedHashMap<>();
        for (String item : text.split(",")) {
            String[] parts = item.trim().split("=");
            if (parts.length != 2) {
                throw new IllegalArgumentException("--inject-faults: expected SCHEDULE/TRIAL=N|always, got \"" + item + "\"");
            }
            String count = parts[1].trim();
            map.put(parts[0].trim(), count.equals("always") ? Integer.MAX_VALUE : Integer.parseInt(count));
        }
        return new Faults(map);
    }

    /** Throws if this attempt of the trial is meant to fail. */
    public void maybeFail(String key, int attempt) {
        if (attempt < failingAttempts.getOrDefault(key, 0)) {
            throw new IllegalStateException("injected failure of trial " + key + " on attempt " + attempt);
        }
    }
}
