package io.mixfarm.core.schedule;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The figure 2 labels wd_x_y_lr_z_u: eta 0.1, lambda 5e-4, momentum 0.9, each divided by 10 at its two epochs. */
class WdLrSchedulesTest {

    @Test
    void theBaselineLabelDividesTheLearningRateAfterEpochs80And120() {
        Schedule s = Schedules.named("wd_4000_5000_lr_80_120", WdLrSchedules.PAPER_EPOCHS);
        assertEquals(List.of(new Phase(1, 0.1, 5e-4, 0.9), new Phase(81, 0.01, 5e-4, 0.9),
                new Phase(121, 0.001, 5e-4, 0.9), new Phase(4001, 0.001, 5e-5, 0.9),
                new Phase(5001, 0.001, 5e-6, 0.9)), s.phases());
        assertTrue(s.hasMomentum());
    }

    @Test
    void epochZeroChangesTheFirstPhaseAndEqualEpochsDivideTwice() {
        Schedule s = Schedules.named("wd_5000_5000_lr_0_5000", 5200);
        assertEquals(List.of(new Phase(1, 0.01, 5e-4, 0.9), new Phase(5001, 0.001, 5e-6, 0.9)), s.phases());
        assertEquals(List.of(new Phase(1, 0.001, 5e-6, 0.9)), Schedules.named("wd_0_0_lr_0_0", 10).phases());
    }

    @Test
    void scaledLabelsKeepTheirRelativeTiming() {
        assertEquals(List.of(2, 51), Schedules.named("wd_5000_5000_lr_80_5000", 52).boundaries());
        assertEquals(List.of(9, 501), Schedules.named("wd_5000_5000_lr_80_5000", 520).boundaries());
        assertEquals(List.of(51), Schedules.named("wd_5000_5000_lr_0_5000", 52).boundaries());
    }

    @Test
    void labelsAreCanonicalisedAndBadOnesExplainThemselves() {
        assertEquals("wd_80_120_lr_0_5", Schedules.canonicalName("WD-080-120-LR-0-5").orElseThrow());
        var order = assertThrows(IllegalArgumentException.class, () -> Schedules.named("wd_120_80_lr_0_0", 100));
        assertEquals("schedule \"wd_120_80_lr_0_0\": the two epochs of wd and of lr must be in increasing order",
                order.getMessage());
        var beyond = assertThrows(IllegalArgumentException.class, () -> Schedules.named("wd_0_9000_lr_0_0", 100));
        assertTrue(beyond.getMessage().contains("epoch 9000 is not below 5200"), beyond.getMessage());
        var short_ = assertThrows(IllegalArgumentException.class, () -> Schedules.named("wd_1_2_lr_3_4", 3));
        assertTrue(short_.getMessage().contains("needs at least"), short_.getMessage());
    }
}
