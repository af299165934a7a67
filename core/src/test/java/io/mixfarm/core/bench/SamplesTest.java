package io.mixfarm.core.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SamplesTest {

    @Test
    void medianOfOddAndEvenCounts() {
        assertEquals(3.0, new Samples(List.of(9.0, 1.0, 3.0)).median());
        assertEquals(2.5, new Samples(List.of(4.0, 1.0, 2.0, 3.0)).median());
    }

    @Test
    void meanMinMaxAndConcatenation() {
        Samples both = new Samples(List.of(1.0, 2.0)).concat(new Samples(List.of(6.0)));
        assertEquals(List.of(1.0, 2.0, 6.0), both.values());
        assertEquals(3.0, both.mean());
        assertEquals(1.0, both.min());
        assertEquals(6.0, both.max());
    }

    @Test
    void noSamplesIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> new Samples(List.of()));
    }
}
