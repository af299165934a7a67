package io.mixfarm.jobs.farm;

import io.mixfarm.jobs.config.TrialKey;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Injected trial failures, for testing the farm's failure handling end to end (hidden CLI option
 * {@code --inject-faults}). Form: {@code Const/1=1,LR-decay/0=always,Const/2=always:oom}: trial Const/1 throws on
 * its first attempt only, LR-decay/0 on every attempt, Const/2 runs out of memory on every attempt.
 *
 * @param faults per trial, what goes wrong
 */
public record Faults(Map<TrialKey, Fault> faults) implements Serializable {

    /** No injected failures. */
    public static final Faults NONE = new Faults(Map.of());

    /** What a failing attempt throws. */
    public enum Kind {
        /** An {@link IllegalStateException}, as a bug in a trial would. */
        EXCEPTION,
        /** An {@link OutOfMemoryError}, as ND4J's {@code maxphysicalbytes} limit throws. */
        OOM
    }

    /**
     * @param failingAttempts how many first attempts fail ({@link Integer#MAX_VALUE}: all)
     * @param kind            what they throw
     */
    public record Fault(int failingAttempts, Kind kind) implements Serializable {
    }

    public Faults {
        faults = Map.copyOf(faults);
    }

    /** Parses the text form; empty or null means none. */
    public static Faults parse(String text) {
        if (text == null || text.isBlank()) {
            return NONE;
        }
        Map<TrialKey, Fault> map = new LinkedHashMap<>();
        for (String item : text.split(",")) {
            String[] parts = item.trim().split("=");
            String[] how = parts.length == 2 ? parts[1].trim().split(":") : new String[0];
            if (how.length < 1 || how.length > 2) {
                throw new IllegalArgumentException("--inject-faults: expected SCHEDULE/TRIAL=N|always[:oom], got \""
                        + item + "\"");
            }
            int count = how[0].equals("always") ? Integer.MAX_VALUE : Integer.parseInt(how[0]);
            Kind kind = how.length == 2 ? Kind.valueOf(how[1].toUpperCase(Locale.ROOT)) : Kind.EXCEPTION;
            TrialKey key;
            try {
                key = TrialKey.parse(parts[0].trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--inject-faults: " + e.getMessage(), e);
            }
            map.put(key, new Fault(count, kind));
        }
        return new Faults(map);
    }

    /** Throws if this attempt of the trial is meant to fail. */
    public void maybeFail(TrialKey key, int attempt) {
        Fault fault = faults.get(key);
        if (fault != null && attempt < fault.failingAttempts()) {
            String message = "injected failure of trial " + key + " on attempt " + attempt;
            if (fault.kind() == Kind.OOM) {
                throw new OutOfMemoryError(message);
            }
            throw new IllegalStateException(message);
        }
    }
}
