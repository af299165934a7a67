package io.mixfarm.jobs.config;

import io.mixfarm.core.schedule.Schedule;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A mixing-time study, the config's {@code mixing} block (issue 18; docs/method.md, "Mixing-time study"): for each
 * intrinsic learning rate {@code l} a reference schedule {@code R-l}, constant {@code lr} and {@code wd = l / lr}
 * for {@code prefixEpochs + epochsAfter} epochs, and a perturbed one {@code P-l}, identical for {@code prefixEpochs}
 * epochs, then {@code lr / perturbation} and {@code wd * perturbation} (the same intrinsic LR, the effective LR
 * knocked down), forked from {@code R-l} after {@code prefixEpochs}. The block is expanded here, once, into
 * ordinary text schedules and their forks.
 *
 * @param intrinsicLrs the intrinsic learning rates {@code eta * lambda}, distinct and positive, in config order
 * @param lr           the reference learning rate {@code eta}
 * @param prefixEpochs epochs both schedules share (T0), at least 1
 * @param epochsAfter  epochs after the perturbation (T1), at least 1
 * @param perturbation the factor {@code eta} is divided and {@code lambda} multiplied by, positive and not 1
 */
public record MixingStudy(List<Double> intrinsicLrs, double lr, int prefixEpochs, int epochsAfter,
                          double perturbation) {

    /** The prefixes of the study's schedule names, before the intrinsic LR. */
    private static final String REFERENCE = "R-";
    private static final String PERTURBED = "P-";

    /** Decimal arithmetic for the derived rates, so that 0.04 / 0.1 is 0.4, not 0.39999999999999997. */
    private static final MathContext DECIMAL = MathContext.DECIMAL64;

    /** Checks every value; problems name the key, as config errors do. */
    public MixingStudy {
        intrinsicLrs = List.copyOf(intrinsicLrs);
        if (intrinsicLrs.isEmpty()) {
            throw new ConfigException(Keys.mixingPath(Keys.INTRINSIC_LRS) + ": must list at least one intrinsic LR");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < intrinsicLrs.size(); i++) {
            double l = intrinsicLrs.get(i);
            String path = Keys.mixingPath(Keys.INTRINSIC_LRS) + "[" + i + "]";
            requirePositive(path, l);
            if (!names.add(label(l))) {
                throw new ConfigException(path + ": intrinsic LR " + label(l) + " is listed twice");
            }
        }
        requirePositive(Keys.mixingPath(Keys.LR), lr);
        requirePositive(Keys.mixingPath(Keys.PERTURBATION), perturbation);
        if (perturbation == 1) {
            throw new ConfigException(Keys.mixingPath(Keys.PERTURBATION) + ": must not be 1 (the perturbed schedule"
                    + " would be the reference)");
        }
        if (prefixEpochs < 1) {
            throw new ConfigException(Keys.mixingPath(Keys.PREFIX_EPOCHS) + ": "
                    + ExperimentConfig.atLeastProblem(1, prefixEpochs));
        }
        if (epochsAfter < 1) {
            throw new ConfigException(Keys.mixingPath(Keys.EPOCHS_AFTER) + ": "
                    + ExperimentConfig.atLeastProblem(1, epochsAfter));
        }
    }

    /** The epochs every trial of the study trains: {@code prefixEpochs + epochsAfter}. */
    public int epochs() {
        return Math.addExact(prefixEpochs, epochsAfter);
    }

    /**
     * {@code recordEpochs} with the record epochs the study's analysis needs: the end of the prefix (T0), where the
     * TV curve after the perturbation starts and where the equilibrium check compares each reference with its own
     * end (the last epoch, which every experiment records). Ascending, without repeats.
     *
     * @param recordEpochs the experiment's resolved record epochs
     */
    public List<Integer> withRecordEpochs(List<Integer> recordEpochs) {
        TreeSet<Integer> epochs = new TreeSet<>(recordEpochs);
        epochs.add(prefixEpochs);
        epochs.add(epochs());
        return List.copyOf(epochs);
    }

    /** The reference schedule's name for an intrinsic LR, e.g. {@code R-0.04}. */
    public static String referenceName(double intrinsicLr) {
        return REFERENCE + label(intrinsicLr);
    }

    /** The perturbed schedule's name for an intrinsic LR, e.g. {@code P-0.04}. */
    public static String perturbedName(double intrinsicLr) {
        return PERTURBED + label(intrinsicLr);
    }

    /** The study's schedules: per intrinsic LR in config order, {@code R-l} then {@code P-l}. */
    public List<Schedule> schedules() {
        List<Schedule> schedules = new ArrayList<>(2 * intrinsicLrs.size());
        BigDecimal eta = decimal(lr);
        BigDecimal factor = decimal(perturbation);
        for (double l : intrinsicLrs) {
            BigDecimal lambda = decimal(l).divide(eta, DECIMAL);
            String constant = "1: lr=" + text(eta) + " wd=" + text(lambda);
            schedules.add(Schedule.parse(referenceName(l), constant));
            schedules.add(Schedule.parse(perturbedName(l), constant + "; " + (prefixEpochs + 1) + ": lr="
                    + text(eta.divide(factor, DECIMAL)) + " wd=" + text(lambda.multiply(factor, DECIMAL))));
        }
        return List.copyOf(schedules);
    }

    /**
     * The study's forks: {@code P-l} shares its first {@code prefixEpochs} with {@code R-l}, so its trial k starts
     * from R-l's trial k after that epoch instead of training the prefix again (docs/method.md, "Forks").
     */
    public List<Fork> forks() {
        return intrinsicLrs.stream().map(l -> new Fork(perturbedName(l), referenceName(l), prefixEpochs)).toList();
    }

    /**
     * The study whose expansion is exactly these schedules, if there is one: how an experiment folder, whose recorded
     * config holds the expanded schedules and not the block, is known to be a mixing study. Every parameter is read
     * back from the schedules (the intrinsic LRs from the reference names, T0 from where {@code P-l} leaves
     * {@code R-l}) and the study is kept only if {@link #schedules()} gives them back, so this is the expansion's
     * inverse and not a second spelling of it.
     *
     * @param schedules the experiment's schedules, in order
     * @param epochs    the experiment's epochs
     */
    public static Optional<MixingStudy> recognise(List<Schedule> schedules, int epochs) {
        List<Double> intrinsicLrs = new ArrayList<>();
        for (Schedule schedule : schedules) {
            String name = schedule.name();
            if (name.startsWith(REFERENCE)) {
                try {
                    intrinsicLrs.add(Double.parseDouble(name.substring(REFERENCE.length())));
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
            }
        }
        if (intrinsicLrs.isEmpty() || schedules.size() != 2 * intrinsicLrs.size()) {
            return Optional.empty();
        }
        Schedule reference = schedules.get(0);
        Schedule perturbed = schedules.get(1);
        int prefix = 0;
        while (prefix < epochs && reference.phaseAt(prefix + 1).equals(perturbed.phaseAt(prefix + 1))) {
            prefix++;
        }
        try {
            MixingStudy study = new MixingStudy(intrinsicLrs, reference.lr(1), prefix, epochs - prefix,
                    decimal(reference.lr(1)).divide(decimal(perturbed.lr(epochs)), DECIMAL).doubleValue());
            return study.schedules().equals(schedules) ? Optional.of(study) : Optional.empty();
        } catch (ConfigException | IllegalArgumentException | ArithmeticException e) {
            return Optional.empty(); // no block gives these schedules
        }
    }

    /**
     * An intrinsic LR as a schedule name writes it: plain decimal, no exponent, no trailing zeros ({@code 0.04},
     * {@code 0.005}, {@code 0.0001}), so that names pass {@link ScheduleName} and read as the number.
     */
    static String label(double intrinsicLr) {
        return text(decimal(intrinsicLr));
    }

    private static BigDecimal decimal(double value) {
        // Double.toString's shortest representation: the number as the config wrote it.
        return new BigDecimal(Double.toString(value));
    }

    private static String text(BigDecimal value) {
        return value.stripTrailingZeros().toPlainString();
    }

    private static void requirePositive(String path, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new ConfigException(path + ": must be a positive number, got " + value);
        }
    }
}
