package io.mixfarm.core.schedule;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The paper's named MNIST schedules (Li, Lyu &amp; Arora 2020, figure 3), stretched to any
 * number of epochs, and the lookup from a name or a text form.
 *
 * <p>Each named schedule has four phases, the last a fine-tune phase with eta 0.01 and lambda 0:
 * <pre>
 * schedule   phase 1             phase 2     phase 3     phase 4 (fine-tune)
 * Const      eta 0.1, lambda 0.1 same        same        eta 0.01, lambda 0
 * LR-decay   eta 0.4, lambda 0.1 eta 0.2     eta 0.1     eta 0.01, lambda 0
 * WD-decay   eta 0.1, lambda 0.4 lambda 0.2  lambda 0.1  eta 0.01, lambda 0
 * </pre>
 * All three have intrinsic learning rate {@code eta * lambda = 0.01} in phase 3.
 *
 * <p>Phase boundaries for a run of {@code E} epochs: phase {@code k+1} ({@code k = 1, 2, 3})
 * starts at epoch {@code round(E * k * 40 / 200) + 1}, i.e. the paper's boundaries after epochs
 * 40, 80 and 120 of 200 scaled by {@code E / 200}; {@code E = 200} reproduces the paper exactly
 * (41, 81, 121). When rounding makes two boundaries equal (only for tiny {@code E}), the later
 * one moves to the next epoch, so every phase keeps at least one epoch: {@code E = 4} gives
 * 2, 3, 4 and {@code E = 10} gives 3, 5, 7. {@code E >= 4} is required, one epoch per phase.
 *
 * <p>{@link #named} and {@link #resolve} also look up the CIFAR families, {@link Table1Schedules}
 * and {@link WdLrSchedules}, which stretch their own paper run lengths by the same rule
 * ({@link EpochScaling}).
 */
public final class Schedules {

    /** The paper's MNIST run length, at which the boundaries are exactly 41, 81 and 121. */
    public static final int PAPER_EPOCHS = 200;
    /** The fewest epochs an MNIST schedule fits in: one per phase. */
    public static final int MIN_EPOCHS = 4;

    /** Paper name of the constant schedule. */
    public static final String CONST = "Const";
    /** Paper name of the learning-rate-decay schedule. */
    public static final String LR_DECAY = "LR-decay";
    /** Paper name of the weight-decay-decay schedule. */
    public static final String WD_DECAY = "WD-decay";

    /** Learning rate of the fine-tune phase shared by all named schedules. */
    public static final double FINE_TUNE_LR = 0.01;
    /** Weight decay of the fine-tune phase shared by all named schedules. */
    public static final double FINE_TUNE_WD = 0.0;

    /** The paper's boundaries are after epochs 40, 80, 120 of 200: multiples of 40/200. */
    private static final int PAPER_PHASE_LENGTH = 40;

    private static final List<String> NAMES = List.of(CONST, LR_DECAY, WD_DECAY);

    /** Every named family, for messages. */
    private static final String ACCEPTED = String.join(", ", NAMES)
            + " (figure 3), Schedule_1..Schedule_5 (table 1), " + WdLrSchedules.FORM
            + " (figure 2; case-insensitive, '_' for '-')";

    private Schedules() {
    }

    /**
     * The canonical names of the MNIST schedules of figure 3: {@code Const}, {@code LR-decay}, {@code WD-decay}.
     * The CIFAR families are {@link Table1Schedules#names()} and {@link WdLrSchedules}' labels.
     */
    public static List<String> names() {
        return NAMES;
    }

    /**
     * A named schedule for a run of {@code epochs} epochs: one of figure 3's MNIST schedules (this
     * class), table 1's {@code Schedule_1..5} ({@link Table1Schedules}) or a figure 2 label
     * {@code wd_X_Y_lr_Z_U} ({@link WdLrSchedules}), each stretched from its paper run length.
     *
     * @param name a name as {@link #canonicalName} accepts it, e.g. {@code lr_decay} or {@code schedule-3}
     * @param epochs the run length, at least one epoch per phase ({@value #MIN_EPOCHS} for the
     *     MNIST schedules, 7 for table 1's)
     * @return the schedule, named with its canonical name
     * @throws IllegalArgumentException for an unknown name (the message lists the accepted names)
     *     or too few epochs
     */
    public static Schedule named(String name, int epochs) {
        // The name is checked before the epochs so that a typo is reported as a typo.
        Objects.requireNonNull(name, "name");
        String canonical = canonicalName(name).orElseThrow(() -> new IllegalArgumentException(
                "unknown schedule \"" + name + "\"; expected one of " + ACCEPTED
                        + " or a text form \"EPOCH: lr=.. wd=..; ..\""));
        if (Table1Schedules.names().contains(canonical)) {
            return Table1Schedules.named(canonical, epochs);
        }
        if (!NAMES.contains(canonical)) {
            return WdLrSchedules.named(canonical, epochs);
        }
        List<Integer> starts = boundaries(epochs);
        int b1 = starts.get(0);
        int b2 = starts.get(1);
        int b3 = starts.get(2);
        Phase fineTune = new Phase(b3, FINE_TUNE_LR, FINE_TUNE_WD);
        // Const keeps four phases although the first three are equal, so that all three named
        // schedules report the same boundaries() (e.g. as record epochs at each phase's end).
        return switch (canonical) {
            case CONST -> new Schedule(CONST, List.of(
                    new Phase(1, 0.1, 0.1),
                    new Phase(b1, 0.1, 0.1),
                    new Phase(b2, 0.1, 0.1),
                    fineTune));
            case LR_DECAY -> new Schedule(LR_DECAY, List.of(
                    new Phase(1, 0.4, 0.1),
                    new Phase(b1, 0.2, 0.1),
                    new Phase(b2, 0.1, 0.1),
                    fineTune));
            case WD_DECAY -> new Schedule(WD_DECAY, List.of(
                    new Phase(1, 0.1, 0.4),
                    new Phase(b1, 0.1, 0.2),
                    new Phase(b2, 0.1, 0.1),
                    fineTune));
            default -> throw new AssertionError("no schedule for canonical name " + canonical);
        };
    }

    /**
     * The canonical name of a named schedule of any family ({@code Const}, {@code Schedule_3},
     * {@code wd_0_0_lr_80_120}), if {@code name} spells one: case-insensitive, '_' and '-' alike.
     * A {@code wd_X_Y_lr_Z_U} label is canonical here even if {@link #named} will reject its
     * epochs, so that the message is about the epochs, not an unknown name.
     */
    public static Optional<String> canonicalName(String name) {
        Objects.requireNonNull(name, "name");
        String key = key(name);
        for (List<String> family : List.of(NAMES, Table1Schedules.names())) {
            for (String canonical : family) {
                if (key(canonical).equals(key)) {
                    return Optional.of(canonical);
                }
            }
        }
        return WdLrSchedules.canonicalName(name);
    }

    private static String key(String name) {
        return name.strip().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * The first epochs of phases 2, 3 and 4 of the named schedules for a run of {@code epochs}
     * epochs; see the class comment for the rule.
     *
     * @param epochs the run length, at least {@value #MIN_EPOCHS}
     * @return three strictly increasing epochs in {@code [2, epochs]}
     */
    public static List<Integer> boundaries(int epochs) {
        if (epochs < MIN_EPOCHS) {
            throw new IllegalArgumentException("a named schedule needs at least " + MIN_EPOCHS
                    + " epochs (one per phase), got " + epochs);
        }
        List<Integer> starts = new ArrayList<>(3);
        int previous = 1;
        for (int k = 1; k <= 3; k++) {
            // round(E * k * 40 / 200) in exact integer arithmetic (half up; E * k / 5 never ends
            // in .5 anyway), so no floating-point error can move a boundary.
            long scaled = ((long) epochs * k * PAPER_PHASE_LENGTH + PAPER_EPOCHS / 2) / PAPER_EPOCHS;
            // For E >= 4 the bumped value never exceeds E: round(3E/5) + 1, round(2E/5) + 2,
            // round(E/5) + 3 and 4 are all <= E there (tested for E up to 10,000).
            int start = (int) Math.max(scaled + 1, previous + 1);
            starts.add(start);
            previous = start;
        }
        return List.copyOf(starts);
    }

    /**
     * A schedule from a command-line or config value: a text form if it contains ':' (see
     * {@link Schedule#parse}), otherwise a name for {@link #named}.
     *
     * <p>A text form is checked against the run length; its name is its canonical
     * {@link Schedule#toText()}, so equal schedules get equal names however they were typed.
     *
     * @param nameOrText a schedule name or text form
     * @param epochs the run length
     * @return the schedule
     * @throws IllegalArgumentException for an unknown name, a malformed text, or a phase that
     *     starts after the last epoch
     */
    public static Schedule resolve(String nameOrText, int epochs) {
        Objects.requireNonNull(nameOrText, "nameOrText");
        if (nameOrText.indexOf(':') < 0) {
            return named(nameOrText, epochs);
        }
        // "custom" only labels parse errors, which quote the offending phase anyway.
        Schedule parsed = Schedule.parse("custom", nameOrText).requireWithin(epochs);
        return new Schedule(parsed.toText(), parsed.phases());
    }
}
