package io.mixfarm.core.schedule;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The paper's {@code wd_x_y_lr_z_u} schedules (figure 2 a-c, appendix F's figure 10 labels): momentum 0.9 SGD in the
 * appendix C.1 form, starting at eta 0.1 and lambda 5e-4; lambda is divided by 10 at epochs {@code x} and {@code y},
 * eta by 10 at epochs {@code z} and {@code u}. Equal epochs divide twice at once ({@code lr_0_0} starts at 0.001).
 *
 * <p>Epochs in a label are the paper's, counted from 0 ("at epoch 80" is after 80 epochs, so our 1-based epoch 81
 * is the first with the new value; epoch 0 is the start). They are epochs of a run of {@value #PAPER_EPOCHS} epochs
 * (ours: the paper's longest label epoch is 5000, its last LR decay; like {@link Table1Schedules} we end 200 epochs
 * after it). A run of {@code E} epochs scales every boundary by {@code E / 5200} as {@link EpochScaling} describes,
 * so that all schedules of one experiment keep their relative timing: {@code wd_5000_5000_lr_0_5000} at 52 epochs
 * decays at epoch 51.
 */
public final class WdLrSchedules {

    /** The run length at which a label's epoch {@code e} is exactly our epoch {@code e + 1}. */
    public static final int PAPER_EPOCHS = 5200;
    /** Learning rate before any division. */
    public static final double INITIAL_LR = 0.1;
    /** Weight decay before any division. */
    public static final double INITIAL_WD = 5e-4;
    /** Momentum of every phase. */
    public static final double MOMENTUM = 0.9;
    /** How the family is written in messages. */
    public static final String FORM = "wd_X_Y_lr_Z_U";

    /** Case-insensitive, '-' accepted for '_', as for the other named schedules. */
    private static final Pattern LABEL = Pattern.compile(
            "wd[_-](\\d{1,9})[_-](\\d{1,9})[_-]lr[_-](\\d{1,9})[_-](\\d{1,9})", Pattern.CASE_INSENSITIVE);

    private WdLrSchedules() {
    }

    /** The canonical spelling of a label ({@code wd_80_120_lr_0_0}: lower case, '_', no leading zeros), if any. */
    static Optional<String> canonicalName(String name) {
        Matcher m = LABEL.matcher(name.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of("wd_" + Integer.parseInt(m.group(1)) + "_" + Integer.parseInt(m.group(2))
                + "_lr_" + Integer.parseInt(m.group(3)) + "_" + Integer.parseInt(m.group(4)));
    }

    /**
     * The schedule a canonical label names, for a run of {@code epochs} epochs.
     *
     * @throws IllegalArgumentException if a pair of epochs is not in order, an epoch is not below
     *                                  {@value #PAPER_EPOCHS}, or the run is too short for the phases
     */
    static Schedule named(String canonical, int epochs) {
        Matcher m = LABEL.matcher(canonical);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a " + FORM + " label: \"" + canonical + "\"");
        }
        int[] wd = {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
        int[] lr = {Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4))};
        String where = "schedule \"" + canonical + "\": ";
        if (wd[0] > wd[1] || lr[0] > lr[1]) {
            throw new IllegalArgumentException(where + "the two epochs of wd and of lr must be in increasing order");
        }
        for (int e : new int[] {wd[0], wd[1], lr[0], lr[1]}) {
            if (e >= PAPER_EPOCHS) {
                throw new IllegalArgumentException(where + "epoch " + e + " is not below " + PAPER_EPOCHS
                        + ", the run length the label's epochs are counted in (they are scaled to the run)");
            }
        }
        TreeSet<Integer> changes = new TreeSet<>(List.of(wd[0], wd[1], lr[0], lr[1]));
        changes.remove(0); // a change at epoch 0 is part of the first phase
        List<Integer> starts = EpochScaling.scale(canonical, changes.stream().map(e -> e + 1).toList(),
                PAPER_EPOCHS, epochs);

        List<Phase> phases = new ArrayList<>(starts.size() + 1);
        phases.add(phase(1, 0, wd, lr));
        int i = 0;
        for (int change : changes) {
            phases.add(phase(starts.get(i++), change, wd, lr));
        }
        return new Schedule(canonical, phases);
    }

    /** The phase from {@code start} on, after every division at a paper epoch up to {@code paperEpoch}. */
    private static Phase phase(int start, int paperEpoch, int[] wd, int[] lr) {
        return new Phase(start, divided(INITIAL_LR, lr, paperEpoch), divided(INITIAL_WD, wd, paperEpoch), MOMENTUM);
    }

    /** {@code value / 10^k} for the k division epochs up to {@code paperEpoch}: the double nearest the decimal. */
    private static double divided(double value, int[] at, int paperEpoch) {
        int k = (at[0] <= paperEpoch ? 1 : 0) + (at[1] <= paperEpoch ? 1 : 0);
        return new BigDecimal(Double.toString(value)).movePointLeft(k).doubleValue();
    }
}
