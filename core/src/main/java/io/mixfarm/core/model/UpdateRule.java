package io.mixfarm.core.model;

import io.mixfarm.core.schedule.Phase;
import io.mixfarm.core.schedule.Schedule;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * The updater and regularisation every trainable layer gets, so that DL4J 1.0.0-M2.1 applies exactly the paper's
 * update with the schedule's values of the current epoch (each form proven on real steps by {@code UpdateRuleTest}):
 * <ul>
 *   <li>no momentum anywhere in the schedule: plain {@link Sgd} with an epoch-keyed learning rate and
 *       {@link WeightDecay}{@code (lambda(epoch), applyLR=true)}, which adds {@code eta*lambda*w} to the step after
 *       the updater: {@code w <- (1 - eta*lambda) w - eta*grad} (equation 2);</li>
 *   <li>momentum: {@link HeavyBall} with epoch-keyed eta and beta and {@link L2Regularization}{@code (lambda(epoch))},
 *       which adds {@code lambda*w} to the gradient before the updater, so the weight decay enters the velocity:
 *       {@code v <- beta*v + grad + lambda*w; w <- w - eta*v} (appendix C.1). {@code WeightDecay} would instead
 *       decay the weights outside the velocity (SGDW), a different dynamics.</li>
 * </ul>
 * Weight decay is set per layer only: a network-level {@code .weightDecay(..)} is copied into every layer <em>and</em>
 * appended again, so weights would shrink twice as fast. The schedules are keyed on DL4J's epoch counter, which
 * {@code fit(DataSet)} never advances: the trial runner sets it before every epoch.
 *
 * @param updater        the layer's updater
 * @param regularization the layer's weight decay, in the form the updater needs
 */
record UpdateRule(IUpdater updater, List<Regularization> regularization) {

    UpdateRule {
        regularization = List.copyOf(regularization);
    }

    /** The rule for the trainable layers under this schedule. */
    static UpdateRule of(Schedule schedule) {
        ISchedule lr = epochSchedule(schedule, Phase::lr);
        ISchedule wd = epochSchedule(schedule, Phase::wd);
        if (schedule.hasMomentum()) {
            return new UpdateRule(new HeavyBall(lr, epochSchedule(schedule, Phase::momentum)),
                    List.of(new L2Regularization(wd)));
        }
        return new UpdateRule(new Sgd(lr), List.of(new WeightDecay(wd, true)));
    }

    /**
     * The updater of a layer whose parameters must never move (BN's gamma/beta, the fixed last layer): SGD with a zero
     * learning rate and no regularisation. {@code NoOp} would not do: it applies the raw gradient. An empty per-layer
     * regularisation list means "inherit", which is safe only because nothing is set at network level.
     */
    static IUpdater frozen() {
        return new Sgd(0.0);
    }

    /** The schedule as DL4J's epoch-keyed map; DL4J counts epochs from 0, the schedule from 1. */
    static ISchedule epochSchedule(Schedule schedule, ToDoubleFunction<Phase> value) {
        Map<Integer, Double> byEpoch = new TreeMap<>();
        for (Phase phase : schedule.phases()) {
            byEpoch.put(phase.firstEpoch() - 1, value.applyAsDouble(phase));
        }
        return new MapSchedule(ScheduleType.EPOCH, byEpoch);
    }
}
