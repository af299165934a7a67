package io.mixfarm.jobs.farm;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.blas.BlasException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which errors cost one trial and which end the executor. */
class TrialTaskTest {

    @Test
    void errorsThatLeaveTheJvmUsableAreFailuresOfTheTrial() {
        for (Throwable e : new Throwable[] {new IllegalStateException("bug"), new OutOfMemoryError("Physical memory "
                + "usage is too high"), new StackOverflowError(), new BlasException("native BLAS error"),
                new UnsatisfiedLinkError("no jnind4jcpu"), new ExceptionInInitializerError("Nd4j"),
                new AssertionError("check")}) {
            assertFalse(TrialTask.isFatal(e), e.toString());
        }
    }

    @Test
    void otherVirtualMachineErrorsAreFatal() {
        assertTrue(TrialTask.isFatal(new InternalError("JIT")));
        assertTrue(TrialTask.isFatal(new UnknownError()));
    }

    @Test
    void anExceptionCausedByAnErrorIsToldApartBecauseSparkSearchesTheCauseChain() {
        assertTrue(TrialTask.causedByError(new RuntimeException("allocation failed", new OutOfMemoryError("native"))));
        assertFalse(TrialTask.causedByError(new RuntimeException("bug", new IllegalStateException("inner"))));
        assertFalse(TrialTask.causedByError(new RuntimeException("bug")));
    }

    @Test
    void theErrorColumnKeepsTheClassAndTheMessage() {
        assertEquals("OutOfMemoryError: Physical memory usage is too high",
                TrialTask.describe(new OutOfMemoryError("Physical memory usage is too high")));
    }
}
