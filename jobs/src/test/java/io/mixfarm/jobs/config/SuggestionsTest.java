package io.mixfarm.jobs.config;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SuggestionsTest {

    private static final List<String> KEYS = Keys.EXPERIMENT_KEYS;

    @Test
    void findsTyposSwapsAndSpellings() {
        assertEquals(Optional.of("trials"), Suggestions.closest("trails", KEYS));
        assertEquals(Optional.of("epochs"), Suggestions.closest("epoch", KEYS));
        assertEquals(Optional.of("threads-per-trial"), Suggestions.closest("threadsPerTrial", KEYS));
        assertEquals(Optional.of("record-every"), Suggestions.closest("record_every", KEYS));
    }

    @Test
    void doesNotGuess() {
        assertEquals(Optional.empty(), Suggestions.closest("momentum", KEYS));
        assertEquals(Optional.empty(), Suggestions.closest("lr", KEYS));
        assertEquals(Optional.empty(), Suggestions.closest("x", List.of()));
    }

    @Test
    void distanceCountsASwapAsOneEdit() {
        assertEquals(1, Suggestions.distance("trails", "trials"));
        assertEquals(0, Suggestions.distance("", ""));
        assertEquals(3, Suggestions.distance("abc", ""));
    }
}
