package io.mixfarm.core.schedule;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A named learning-rate and weight-decay schedule, piecewise constant in the epoch.
 *
 * <p>A schedule is a pure function of the epoch. It does not know how many epochs a run has: the
 * last phase lasts until training ends ({@link #requireWithin(int)} checks a run length).
 *
 * @param name the schedule's name, used in logs, results and error messages; not blank
 * @param phases the phases in order: the first starts at epoch 1, first epochs strictly increase
 */
public record Schedule(String name, List<Phase> phases) {

    /** Validates the phases and keeps an immutable copy of them. */
    public Schedule {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(phases, "phases");
        if (name.isBlank()) {
            throw new IllegalArgumentException("schedule name must not be blank");
        }
        phases = List.copyOf(phases);
        if (phases.isEmpty()) {
            throw new IllegalArgumentException("schedule \"" + name + "\" has no phases");
        }
        int first = phases.get(0).firstEpoch();
        if (first != 1) {
            throw new IllegalArgumentException("schedule \"" + name
                    + "\": the first phase must start at epoch 1, got " + first);
        }
        for (int i = 1; i < phases.size(); i++) {
            int previous = phases.get(i - 1).firstEpoch();
            int current = phases.get(i).firstEpoch();
            if (current <= previous) {
                throw new IllegalArgumentException("schedule \"" + name + "\": phase " + (i + 1)
                        + " starts at epoch " + current + ", not after phase " + i + " at epoch "
                        + previous + "; first epochs must strictly increase");
            }
        }
    }

    /**
     * Parses the compact text form, the inverse of {@link #toText()}.
     *
     * <p>Grammar (whitespace, including newlines, is allowed around every token):
     * <pre>
     * schedule := phase (";" phase)* [";"]
     * phase    := EPOCH ":" setting ([","] setting)*
     * setting  := ("lr" | "wd" | "momentum") "=" NUMBER
     * </pre>
     * {@code EPOCH} is a 1-based decimal epoch, the first phase's is 1 and they strictly increase.
     * {@code NUMBER} is anything {@link Double#parseDouble} accepts ({@code 0.1}, {@code 1e-3}),
     * finite and {@code >= 0} (momentum below 1). Keys are case-insensitive, each at most once per
     * phase. The first phase sets both {@code lr} and {@code wd}, and may set {@code momentum}
     * (default 0, plain SGD); a later phase may omit any of them to keep the previous phase's value.
     * Example, the paper's LR-decay schedule over 200 epochs:
     * <pre>1: lr=0.4 wd=0.1; 41: lr=0.2; 81: lr=0.1; 121: lr=0.01 wd=0</pre>
     *
     * @param name the name of the parsed schedule, also quoted in error messages
     * @param text the compact text form
     * @return the schedule
     * @throws IllegalArgumentException with a one-line message naming the offending phase and
     *     what was expected
     */
    public static Schedule parse(String name, String text) {
        return ScheduleText.parse(name, text);
    }

    /**
     * The compact text form with {@code lr} and {@code wd} spelled out in every phase, for
     * example {@code 1: lr=0.1 wd=0.1; 121: lr=0.01 wd=0}, and {@code momentum} too in every phase
     * if any phase has momentum (so plain-SGD schedules read as before); {@link #parse} gives back
     * an equal schedule.
     */
    public String toText() {
        return ScheduleText.format(phases);
    }

    /**
     * The phase in force at an epoch; the last phase holds for every later epoch.
     *
     * @param epoch a 1-based epoch
     * @throws IllegalArgumentException if {@code epoch < 1}
     */
    public Phase phaseAt(int epoch) {
        if (epoch < 1) {
            throw new IllegalArgumentException("epoch must be >= 1, got " + epoch);
        }
        // Schedules have a handful of phases, so a backwards scan beats a binary search for clarity.
        for (int i = phases.size() - 1; i > 0; i--) {
            if (phases.get(i).firstEpoch() <= epoch) {
                return phases.get(i);
            }
        }
        return phases.get(0);
    }

    /** The learning rate eta at a 1-based epoch. */
    public double lr(int epoch) {
        return phaseAt(epoch).lr();
    }

    /** The weight decay lambda at a 1-based epoch. */
    public double wd(int epoch) {
        return phaseAt(epoch).wd();
    }

    /** The momentum factor beta at a 1-based epoch (0 for plain SGD). */
    public double momentum(int epoch) {
        return phaseAt(epoch).momentum();
    }

    /** Whether any phase uses momentum; without it the update is plain SGD with weight decay. */
    public boolean hasMomentum() {
        return phases.stream().anyMatch(p -> p.momentum() > 0);
    }

    /** The intrinsic learning rate {@code lambda_e = eta * lambda} at a 1-based epoch. */
    public double intrinsicLr(int epoch) {
        return phaseAt(epoch).intrinsicLr();
    }

    /** The first epochs of all phases but the first, in increasing order. */
    public List<Integer> boundaries() {
        List<Integer> starts = new ArrayList<>(phases.size() - 1);
        for (Phase phase : phases.subList(1, phases.size())) {
            starts.add(phase.firstEpoch());
        }
        return List.copyOf(starts);
    }

    /**
     * Why a trial of this schedule does not train exactly as a trial of {@code other} (same seed) for epochs
     * {@code 1..epochs}, or {@code null} if it does: the two must agree on eta, lambda and beta in each of those
     * epochs, and on whether momentum appears at all, since that picks the update's form for the whole run
     * ({@code io.mixfarm.core.model.UpdateRule}), and the two forms differ in the last bits even where beta is 0.
     * The one rule for forks: a schedule may continue another's snapshot at epoch {@code epochs} exactly when this
     * is {@code null}.
     *
     * @param other  the schedule whose first epochs this one is meant to share
     * @param epochs the shared epochs, {@code >= 0}
     */
    public String prefixDifference(Schedule other, int epochs) {
        Objects.requireNonNull(other, "other");
        if (hasMomentum() != other.hasMomentum()) {
            return "\"" + (hasMomentum() ? name : other.name) + "\" uses momentum and \""
                    + (hasMomentum() ? other.name : name) + "\" does not, so their updates differ from epoch 1";
        }
        for (int epoch = 1; epoch <= epochs; epoch++) {
            Phase mine = phaseAt(epoch);
            Phase theirs = other.phaseAt(epoch);
            if (mine.lr() != theirs.lr() || mine.wd() != theirs.wd() || mine.momentum() != theirs.momentum()) {
                return "\"" + name + "\" and \"" + other.name + "\" differ in epoch " + epoch + " (lr=" + mine.lr()
                        + " wd=" + mine.wd() + " momentum=" + mine.momentum() + " against lr=" + theirs.lr() + " wd="
                        + theirs.wd() + " momentum=" + theirs.momentum() + ")";
            }
        }
        return null;
    }

    /**
     * Checks that every phase starts within a run of {@code epochs} epochs, since a phase that
     * starts after the last epoch would silently never run.
     *
     * @param epochs the number of epochs of the run, {@code >= 1}
     * @return this schedule
     * @throws IllegalArgumentException naming the first phase that starts after the last epoch
     */
    public Schedule requireWithin(int epochs) {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        }
        for (int i = 0; i < phases.size(); i++) {
            int first = phases.get(i).firstEpoch();
            if (first > epochs) {
                throw new IllegalArgumentException("schedule \"" + name + "\": phase " + (i + 1)
                        + " starts at epoch " + first + ", after the last epoch " + epochs);
            }
        }
        return this;
    }
}
