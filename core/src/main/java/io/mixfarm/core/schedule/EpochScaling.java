package io.mixfarm.core.schedule;

import java.util.ArrayList;
import java.util.List;

/**
 * Stretches the phase boundaries of a schedule defined for a nominal run length to another run length, the rule
 * the MNIST schedules have always used ({@link Schedules#boundaries}), for any list of boundaries.
 *
 * <p>A phase that nominally starts at epoch {@code s} (1-based, so the paper's "at epoch {@code s-1}", counted from
 * 0, is the same change) starts at {@code round((s-1) * E / L) + 1} in a run of {@code E} epochs, where {@code L}
 * is the nominal run length; {@code E = L} gives the nominal boundaries back exactly. Rounding is half up, in exact
 * integer arithmetic. When rounding makes a start not come after the previous one (only for small {@code E}), it
 * moves to the next epoch, so every phase keeps at least one epoch.
 */
final class EpochScaling {

    private EpochScaling() {
    }

    /**
     * The scaled first epochs of the phases after the first.
     *
     * @param name          the schedule's name, for messages
     * @param nominalStarts first epochs of phases 2, 3, ... at the nominal length: strictly increasing, in
     *                      {@code 2..nominalEpochs}
     * @param nominalEpochs the run length the starts are given for
     * @param epochs        the run length to scale to
     * @return strictly increasing starts within {@code 2..epochs}
     * @throws IllegalArgumentException if the phases do not fit in {@code epochs} epochs, naming the fewest that do
     */
    static List<Integer> scale(String name, List<Integer> nominalStarts, int nominalEpochs, int epochs) {
        List<Integer> starts = scaleUnchecked(nominalStarts, nominalEpochs, epochs);
        if (!starts.isEmpty() && starts.get(starts.size() - 1) > epochs) {
            int fewest = epochs + 1;
            while (last(scaleUnchecked(nominalStarts, nominalEpochs, fewest)) > fewest) {
                fewest++;
            }
            throw new IllegalArgumentException("schedule \"" + name + "\" needs at least " + fewest
                    + " epochs (one per phase), got " + epochs);
        }
        return starts;
    }

    private static List<Integer> scaleUnchecked(List<Integer> nominalStarts, int nominalEpochs, int epochs) {
        List<Integer> starts = new ArrayList<>(nominalStarts.size());
        long previous = 1;
        for (int nominal : nominalStarts) {
            // floor(x + 1/2) with x = (s-1)E/L, as (2(s-1)E + L) / 2L: no floating point can move a boundary.
            long scaled = (2L * (nominal - 1) * epochs + nominalEpochs) / (2L * nominalEpochs) + 1;
            long start = Math.max(scaled, previous + 1);
            starts.add((int) start);
            previous = start;
        }
        return List.copyOf(starts);
    }

    private static int last(List<Integer> starts) {
        return starts.isEmpty() ? 0 : starts.get(starts.size() - 1);
    }
}
