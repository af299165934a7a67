package io.mixfarm.jobs.store;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImplementationTest {

    private static final Implementation FUSED = Fixtures.IMPLEMENTATION;

    @Test
    void theStoredLineParsesBackAndNothingElseDoes() {
        assertEquals("mixfarm=0.1.0-SNAPSHOT commit=6b9cd0a1f2e3d4c5b6a79881726354453627180a kernels=fused nd4j=CPU",
                FUSED.text());
        assertEquals(FUSED, Implementation.parse(FUSED.text()));
        for (String bad : List.of("", "mixfarm=1 commit=c kernels=fused", "commit=c mixfarm=1 kernels=fused nd4j=CPU",
                "mixfarm=1 commit=c kernels=fused nd4j=CPU extra=1", "mixfarm=1  commit=c kernels=fused nd4j=CPU",
                "mixfarm= commit=c kernels=fused nd4j=CPU")) {
            assertThrows(IllegalArgumentException.class, () -> Implementation.parse(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> new Implementation("1", "c d", "fused", "CPU"));
    }

    @Test
    void everyPartCountsAndOnlyAnUnknownBackendOnOurSideMatchesAny() {
        assertTrue(FUSED.matches(Implementation.parse(FUSED.text())));
        assertFalse(FUSED.matches(null), "a row from before implementations were recorded");
        for (Implementation other : List.of(new Implementation("0.2.0", FUSED.commit(), "fused", "CPU"),
                new Implementation(FUSED.version(), "0".repeat(40), "fused", "CPU"),
                new Implementation(FUSED.version(), FUSED.commit(), "dl4j", "CPU"),
                new Implementation(FUSED.version(), FUSED.commit(), "fused", "CUDA"))) {
            assertFalse(FUSED.matches(other), other.text());
        }
        Implementation driver = new Implementation(FUSED.version(), FUSED.commit(), "fused",
                Implementation.UNKNOWN_BACKEND);
        assertTrue(driver.matches(new Implementation(FUSED.version(), FUSED.commit(), "fused", "CUDA")));
    }

    @Test
    void theMixtureNamesEachSchedulesImplementationsOnlyWhenThereIsMoreThanOne() {
        TrialRecord a = Fixtures.succeeded("Const", 1, "h");
        TrialRecord b = Fixtures.succeeded("LR-decay", 2, "h");
        assertEquals(Map.of(), Implementation.mixture(List.of(a, b)));
        TrialRecord old = TrialRows.withFingerprints(Fixtures.succeeded("Const", 3, "h"), null, null);
        TrialRecord failedElsewhere = TrialRows.withFingerprints(Fixtures.failed("LR-decay", 4, "boom"),
                new Implementation("0.0.1", "abc", "dl4j", "CPU"), null);
        assertEquals(Map.of("Const", FUSED.text() + " in 1 trial, unknown (written before implementations were "
                        + "recorded) in 1 trial", "LR-decay", FUSED.text() + " in 1 trial"),
                Implementation.mixture(List.of(a, b, old, failedElsewhere)), "failed trials contribute nothing");
    }
}
