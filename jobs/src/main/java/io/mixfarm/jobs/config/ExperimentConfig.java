package io.mixfarm.jobs.config;

import io.mixfarm.analysis.tv.Design;
import io.mixfarm.core.data.DatasetException;
import io.mixfarm.core.data.DatasetSpec;
import io.mixfarm.core.data.Preprocessing;
import io.mixfarm.core.model.ModelSpec;
import io.mixfarm.core.schedule.Schedule;
import io.mixfarm.core.schedule.Schedules;
import io.mixfarm.core.trial.Evaluation;
import io.mixfarm.core.trial.RecordSteps;
import io.mixfarm.core.trial.TrialSpec;

import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One experiment, fully resolved: what every trial trains, which schedules are compared, how many trials each
 * gets, and where results go. Read it with {@link #load} or {@link #parse}; {@code defaults.conf} in this package
 * documents every key.
 *
 * <p>The constructor checks every value and throws {@link ConfigException} naming the config key, so that the
 * {@code with*} methods and hand-built configs are held to the same rules as files: {@code recordEpochs} is the
 * union of {@code record-epochs}, every {@code record-every}-th epoch and the last epoch; schedule names are unique
 * ignoring case (they become folder names), match {@code [A-Za-z0-9._-]+} (a Hive partition value), and a paper
 * name such as {@code Const}, {@code Schedule_3} or {@code wd_0_0_lr_80_120} (in any spelling
 * {@link Schedules#named} accepts) names only the paper's schedule stretched to {@code epochs}.
 *
 * @param name            human-readable name of the experiment, not blank
 * @param data            data set spec as {@code io.mixfarm.core.data.Datasets.open} accepts, e.g. {@code mnist-sample}
 * @param preprocessing   how every trial normalises its images and augments its training images
 * @param model           the network every trial trains
 * @param batchSize       examples per SGD step, at least 2 (BatchNorm needs a batch variance)
 * @param epochs          epochs every trial trains, at least 1
 * @param recordEpochs    epochs whose test predictions are kept: resolved, ascending, ending with {@code epochs}
 * @param schedules       the schedules compared, in config order, with unique Hive-safe names
 * @param forks           the schedules that share their first epochs with another ({@link Fork}), in schedule order:
 *                        at most one per schedule, from another schedule of this experiment, no cycles, at an epoch
 *                        within {@code 1..epochs-1}, where the two schedules agree up to it
 *                        ({@code Schedule.prefixDifference})
 * @param trials          independent trials per schedule, at least 1
 * @param seed            the experiment seed, from which {@link Seeds} derives every trial's seeds
 * @param fixedInit       whether all trials share {@code w0} from {@link Seeds#sharedInitSeed} (the paper's figure 9)
 * @param output          output folder, a local path or Hadoop URI (blank only in derived configs, see withOutput)
 * @param threadsPerTrial OpenMP threads of one trial on CPU, at least 1
 * @param recordSteps     recording inside epochs, every k SGD steps from an epoch within 1..epochs on
 *                        ({@link RecordSteps#OFF}: only at the ends of the record epochs)
 * @param evaluation      how every trial evaluates on the test set ({@code bn-eval}, {@code bn-eval-batches})
 */
public record ExperimentConfig(String name, String data, Preprocessing preprocessing, ModelSpec model, int batchSize,
                               int epochs,
                               List<Integer> recordEpochs, List<Schedule> schedules, List<Fork> forks, int trials,
                               long seed, boolean fixedInit, String output, int threadsPerTrial,
                               RecordSteps recordSteps, Evaluation evaluation) {

    /** BatchNorm needs at least two examples for a batch variance. */
    static final int MIN_BATCH_SIZE = 2;

    /** Checks every value; see the component descriptions for the rules. */
    public ExperimentConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(preprocessing, "preprocessing");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(recordSteps, "recordSteps");
        Objects.requireNonNull(evaluation, "evaluation");
        recordEpochs = List.copyOf(recordEpochs);
        schedules = List.copyOf(schedules);
        forks = List.copyOf(forks);
        requireNotBlank(Keys.NAME, name);
        requireDataSpec(data);
        requireAtLeast(Keys.BATCH_SIZE, batchSize, MIN_BATCH_SIZE);
        requireAtLeast(Keys.EPOCHS, epochs, 1);
        requireAtLeast(Keys.TRIALS, trials, 1);
        requireAtLeast(Keys.THREADS_PER_TRIAL, threadsPerTrial, 1);
        requireResolvedRecordEpochs(recordEpochs, epochs);
        requireSchedules(schedules, epochs);
        if (recordSteps.fromEpoch() > epochs) {
            throw new ConfigException(Keys.recordStepsPath(Keys.FROM_EPOCH) + ": must be within 1.." + epochs + " ("
                    + Keys.path(Keys.EPOCHS) + "), got " + recordSteps.fromEpoch());
        }
        requireForks(schedules, forks, epochs);
    }

    /** An experiment without forks that records only at the ends of its record epochs. */
    public ExperimentConfig(String name, String data, Preprocessing preprocessing, ModelSpec model, int batchSize,
                            int epochs, List<Integer> recordEpochs, List<Schedule> schedules, int trials, long seed,
                            boolean fixedInit, String output, int threadsPerTrial, Evaluation evaluation) {
        this(name, data, preprocessing, model, batchSize, epochs, recordEpochs, schedules, List.of(), trials, seed,
                fixedInit, output, threadsPerTrial, evaluation);
    }

    /** An experiment that records only at the ends of its record epochs. */
    public ExperimentConfig(String name, String data, Preprocessing preprocessing, ModelSpec model, int batchSize,
                            int epochs, List<Integer> recordEpochs, List<Schedule> schedules, List<Fork> forks,
                            int trials, long seed, boolean fixedInit, String output, int threadsPerTrial,
                            Evaluation evaluation) {
        this(name, data, preprocessing, model, batchSize, epochs, recordEpochs, schedules, forks, trials, seed,
                fixedInit, output, threadsPerTrial, RecordSteps.OFF, evaluation);
    }

    /**
     * Reads an experiment: {@code defaults.conf}, then {@code file}, then {@code overrides}, later layers winning.
     *
     * @param file      the experiment's HOCON file, or {@code null} for the defaults alone
     * @param overrides {@code key=value} settings applied last, keys relative to {@code experiment.} and values in
     *                  HOCON ({@code trials=3}, {@code model.width=8}, {@code schedules=[Const]}); an unquoted
     *                  string is taken literally, so {@code output=hdfs://nn/runs/x} works; {@code null} for none
     * @throws ConfigException with one line starting with the file name, naming the key and the problem
     */
    public static ExperimentConfig load(Path file, List<String> overrides) {
        return ConfigLoader.load(file, overrides);
    }

    /**
     * Like {@link #load} but from the content of an experiment file; messages then start with the key.
     *
     * @param hocon     the experiment file's content (HOCON), layered over the defaults
     * @param overrides {@code key=value} settings applied last, as for {@link #load}; {@code null} for none
     */
    public static ExperimentConfig parse(String hocon, List<String> overrides) {
        return ConfigLoader.parse(hocon, overrides);
    }

    /**
     * The fully resolved config as canonical HOCON: JSON syntax, keys sorted, two-space indents, every key present,
     * {@code record-epochs} resolved and {@code record-every} 0. Paper schedules appear as their names, others as
     * {@code {name, text}} with the text written by {@link Schedule#toText()}. {@code parse(render(), List.of())}
     * equals this config, and equal configs render equal however their files were written. Save it next to the
     * results: it alone reruns the experiment.
     */
    public String render() {
        return ConfigRenderer.render(this);
    }

    /** Lowercase hex SHA-256 of {@link #render()} (UTF-8): equal exactly when the resolved configs are equal. */
    public String hash() {
        return HexFormat.of().formatHex(Seeds.sha256(render().getBytes(StandardCharsets.UTF_8)));
    }

    /** This config with another output folder (for a command-line flag; {@code ""} to leave the folder out). */
    public ExperimentConfig withOutput(String output) {
        return new ExperimentConfig(name, data, preprocessing, model, batchSize, epochs, recordEpochs, schedules,
                forks, trials, seed, fixedInit, output, threadsPerTrial, recordSteps, evaluation);
    }

    /**
     * This config with another number of trials per schedule. Seeds depend only on (experiment seed, schedule,
     * trial index), so the first trials of a larger experiment are exactly the trials of a smaller one.
     */
    public ExperimentConfig withTrials(int trials) {
        return new ExperimentConfig(name, data, preprocessing, model, batchSize, epochs, recordEpochs, schedules,
                forks, trials, seed, fixedInit, output, threadsPerTrial, recordSteps, evaluation);
    }

    /**
     * This config with only the named schedules, kept in config order, and their forks; their trials keep their
     * seeds.
     *
     * @param names schedule names as they appear in {@link #schedules()} (exact spelling, e.g. {@code LR-decay})
     * @throws ConfigException if {@code names} is empty, names a schedule this config does not have, or keeps a
     *                         schedule that forks from one it leaves out (its trials start from the parent's)
     */
    public ExperimentConfig withSchedules(List<String> names) {
        Set<String> wanted = new LinkedHashSet<>(names);
        if (wanted.isEmpty()) {
            throw new ConfigException(Keys.path(Keys.SCHEDULES) + ": at least one schedule must be kept");
        }
        List<String> known = scheduleNames();
        for (String wantedName : wanted) {
            if (!known.contains(wantedName)) {
                throw new ConfigException(Keys.path(Keys.SCHEDULES) + ": no schedule \"" + wantedName + "\""
                        + Suggestions.didYouMean(wantedName, known) + "; this experiment has "
                        + String.join(", ", known));
            }
        }
        for (Fork fork : forks) {
            if (wanted.contains(fork.child()) && !wanted.contains(fork.parent())) {
                throw new ConfigException(Keys.path(Keys.SCHEDULES) + ": \"" + fork.child() + "\" forks from \""
                        + fork.parent() + "\"; keep \"" + fork.parent() + "\" too");
            }
        }
        List<Schedule> kept = schedules.stream().filter(s -> wanted.contains(s.name())).toList();
        List<Fork> keptForks = forks.stream().filter(f -> wanted.contains(f.child())).toList();
        return new ExperimentConfig(name, data, preprocessing, model, batchSize, epochs, recordEpochs, kept, keptForks,
                trials, seed, fixedInit, output, threadsPerTrial, recordSteps, evaluation);
    }

    /** The names of {@link #schedules()}, in config order. */
    public List<String> scheduleNames() {
        return schedules.stream().map(Schedule::name).toList();
    }

    /**
     * Every trial of the experiment, in a fixed order: schedules in config order, and within a schedule trial
     * indices 0 to {@code trials - 1}.
     */
    public List<PlannedTrial> plan() {
        List<PlannedTrial> plan = new ArrayList<>(Math.multiplyExact(schedules.size(), trials));
        for (Schedule schedule : schedules) {
            for (int trial = 0; trial < trials; trial++) {
                plan.add(planned(schedule, trial));
            }
        }
        return List.copyOf(plan);
    }

    /**
     * One trial's plan, equal to its entry in {@link #plan()}; what an executor calls with the key it was given.
     *
     * @throws ConfigException if the schedule is not in this experiment or the index is not below {@code trials}
     */
    public PlannedTrial planned(TrialKey key) {
        Objects.requireNonNull(key, "key");
        Schedule schedule = schedules.stream().filter(s -> s.name().equals(key.schedule())).findFirst()
                .orElseThrow(() -> new ConfigException("trial " + key + " is not part of experiment \"" + name
                        + "\": no schedule \"" + key.schedule() + "\"" + Suggestions.didYouMean(key.schedule(),
                        scheduleNames()) + "; it has " + String.join(", ", scheduleNames())));
        if (key.trial() >= trials) {
            throw new ConfigException("trial " + key + " is not part of experiment \"" + name + "\": it has trials 0.."
                    + (trials - 1) + " per schedule");
        }
        return planned(schedule, key.trial());
    }

    /** The fork {@code schedule} declares, if it forks. */
    public Optional<Fork> forkOf(String schedule) {
        return forks.stream().filter(f -> f.child().equals(schedule)).findFirst();
    }

    /**
     * The schedule whose seeds {@code schedule}'s trials take: its own, or for a fork its parent's, and so on up the
     * chain, so that a forked trial is the trial a plain run of its schedule from the same seeds trains.
     */
    public String seedSchedule(String schedule) {
        String owner = schedule;
        for (Optional<Fork> fork = forkOf(owner); fork.isPresent(); fork = forkOf(owner)) {
            owner = fork.get().parent();
        }
        return owner;
    }

    /**
     * How the trials of schedules {@code a} and {@code b} are sampled against each other: the one rule for it, which
     * the TV job and the mixing job both read (docs/method.md, "Paired design"). {@link Design#PAIRED} when both take
     * their seeds from the same schedule ({@link #seedSchedule}): one forks from the other, or both descend by forks
     * from one schedule. Then trial k of each continues the same trial k up to a fork, so trial k of {@code a} and
     * of {@code b} are a pair and the pairs, not the trials, are the independent units; that holds at every record
     * point, before the fork too, where the two are the same trial. Otherwise each schedule's trials start from
     * seeds of their own, {@link Design#UNPAIRED}.
     *
     * @param a a schedule of this experiment
     * @param b another (the same name gives {@link Design#PAIRED}: the same trials)
     */
    public Design design(String a, String b) {
        return seedSchedule(a).equals(seedSchedule(b)) ? Design.PAIRED : Design.UNPAIRED;
    }

    /** How many forks lie between {@code schedule} and the schedule that owns its seeds: 0 for a plain schedule. */
    public int generation(String schedule) {
        int generation = 0;
        for (Optional<Fork> fork = forkOf(schedule); fork.isPresent(); fork = forkOf(fork.get().parent())) {
            generation++;
        }
        return generation;
    }

    private PlannedTrial planned(Schedule schedule, int trial) {
        long trialSeed = Seeds.trialSeed(seed, seedSchedule(schedule.name()), trial);
        long initSeed = fixedInit ? Seeds.sharedInitSeed(seed) : trialSeed;
        TrialSpec spec = new TrialSpec(data, model, preprocessing, schedule, epochs, batchSize, recordEpochs,
                recordSteps, trialSeed, initSeed, evaluation);
        return new PlannedTrial(new TrialKey(schedule.name(), trial), spec);
    }

    /**
     * Whether {@code schedule} is a paper schedule (figure 3's, table 1's or a figure 2 label), i.e. spelled
     * canonically and exactly what its name gives for this run length.
     */
    static boolean isPaperSchedule(Schedule schedule, int epochs) {
        if (!schedule.name().equals(paperName(schedule.name()))) {
            return false;
        }
        try {
            return Schedules.named(schedule.name(), epochs).equals(schedule);
        } catch (IllegalArgumentException e) {
            return false; // too short a run for the named schedule: then it is not that schedule
        }
    }

    /** The canonical paper name {@code name} spells (ignoring case, '_' for '-'), if it spells one. */
    static String paperName(String name) {
        return Schedules.canonicalName(name).orElse(null);
    }

    /** {@code "must be >= min, got value"}, the wording shared with the binder. */
    static String atLeastProblem(long min, long value) {
        return "must be >= " + min + ", got " + value;
    }

    private static void requireNotBlank(String key, String value) {
        if (value.isBlank()) {
            throw new ConfigException(Keys.path(key) + ": must not be blank");
        }
    }

    private static void requireAtLeast(String key, long value, long min) {
        if (value < min) {
            throw new ConfigException(Keys.path(key) + ": " + atLeastProblem(min, value));
        }
    }

    private static void requireDataSpec(String data) {
        try {
            // Only the spec's form: whether the folder exists is for the machine that reads it.
            DatasetSpec.parse(data);
        } catch (DatasetException | InvalidPathException e) {
            throw new ConfigException(Keys.path(Keys.DATA) + ": " + e.getMessage(), e);
        }
    }

    private static void requireResolvedRecordEpochs(List<Integer> recordEpochs, int epochs) {
        int previous = 0;
        for (int epoch : recordEpochs) {
            if (epoch <= previous || epoch > epochs) {
                previous = -1;
                break;
            }
            previous = epoch;
        }
        if (previous != epochs) {
            throw new ConfigException(Keys.path(Keys.RECORD_EPOCHS) + ": resolved record epochs must ascend within 1.."
                    + epochs + " and end with the last epoch " + epochs + ", got " + recordEpochs);
        }
    }

    private static void requireSchedules(List<Schedule> schedules, int epochs) {
        if (schedules.isEmpty()) {
            throw new ConfigException(Keys.path(Keys.SCHEDULES) + ": must list at least one schedule");
        }
        // Keyed by lower case: schedule names become folder names, which collide on case-insensitive file systems.
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < schedules.size(); i++) {
            Schedule schedule = schedules.get(i);
            String where = Keys.schedulePath(i) + ": ";
            String problem = ScheduleName.problem(schedule.name());
            if (problem != null) {
                throw new ConfigException(where + problem);
            }
            Integer first = seen.putIfAbsent(schedule.name().toLowerCase(Locale.ROOT), i);
            if (first != null) {
                throw new ConfigException(where + duplicateProblem(schedule.name(), first));
            }
            String paper = paperName(schedule.name());
            if (paper != null && !isPaperSchedule(schedule, epochs)) {
                throw new ConfigException(where + reservedProblem(schedule.name(), paper));
            }
            try {
                schedule.requireWithin(epochs);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(where + e.getMessage(), e);
            }
        }
    }

    private static void requireForks(List<Schedule> schedules, List<Fork> forks, int epochs) {
        Map<String, Schedule> byName = new HashMap<>();
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < schedules.size(); i++) {
            byName.put(schedules.get(i).name(), schedules.get(i));
            index.put(schedules.get(i).name(), i);
        }
        Map<String, String> parents = new HashMap<>();
        for (Fork fork : forks) {
            Integer i = index.get(fork.child());
            if (i == null) {
                throw new ConfigException(Keys.path(Keys.SCHEDULES) + ": a fork of \"" + fork.child()
                        + "\", which is not a schedule of this experiment");
            }
            if (parents.put(fork.child(), fork.parent()) != null) {
                throw new ConfigException(Keys.schedulePath(i) + "." + Keys.FORK + ": \"" + fork.child()
                        + "\" forks twice");
            }
            if (isPaperSchedule(schedules.get(i), epochs)) {
                // The config names a paper schedule by its name alone, which has no room for a fork.
                throw new ConfigException(Keys.schedulePath(i) + "." + Keys.FORK + ": the paper's " + fork.child()
                        + " cannot fork; write a { name, text, fork } schedule");
            }
            String from = Keys.forkPath(i, Keys.FROM) + ": ";
            if (fork.parent().equals(fork.child())) {
                throw new ConfigException(from + "\"" + fork.child() + "\" cannot fork from itself");
            }
            Schedule parent = byName.get(fork.parent());
            if (parent == null) {
                List<String> names = schedules.stream().map(Schedule::name).toList();
                throw new ConfigException(from + "no schedule \"" + fork.parent() + "\""
                        + Suggestions.didYouMean(fork.parent(), names) + "; this experiment has "
                        + String.join(", ", names));
            }
            if (fork.at() < 1 || fork.at() >= epochs) {
                // At the last epoch a fork would train nothing of its own.
                throw new ConfigException(Keys.forkPath(i, Keys.AT) + ": must be within 1.." + (epochs - 1)
                        + " (before the last epoch, " + Keys.path(Keys.EPOCHS) + "), got " + fork.at());
            }
            String difference = byName.get(fork.child()).prefixDifference(parent, fork.at());
            if (difference != null) {
                throw new ConfigException(Keys.forkPath(i, Keys.AT) + ": a fork must train as its parent up to epoch "
                        + fork.at() + ", but " + difference);
            }
        }
        for (Fork fork : forks) {
            List<String> chain = new ArrayList<>(List.of(fork.child()));
            for (String up = parents.get(fork.child()); up != null; up = parents.get(up)) {
                if (chain.contains(up)) {
                    chain.add(up);
                    throw new ConfigException(Keys.forkPath(index.get(fork.child()), Keys.FROM)
                            + ": forks form a cycle (" + String.join(" <- ", chain) + ")");
                }
                chain.add(up);
            }
        }
    }

    private static String duplicateProblem(String name, int firstIndex) {
        return "duplicate schedule name \"" + name + "\" (names are compared ignoring case; first at "
                + Keys.schedulePath(firstIndex) + ")";
    }

    static String reservedProblem(String name, String paper) {
        return "\"" + name + "\" is the paper's " + paper + " schedule; write just \"" + paper
                + "\" for it, or give a custom schedule another name";
    }
}
