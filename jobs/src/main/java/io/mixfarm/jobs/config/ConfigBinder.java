package io.mixfarm.jobs.config;

import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.mixfarm.core.data.Preprocessing;
import io.mixfarm.core.model.ModelSpec;
import io.mixfarm.core.schedule.Schedule;
import io.mixfarm.core.schedule.Schedules;
import io.mixfarm.core.schedule.Table1Schedules;
import io.mixfarm.core.schedule.WdLrSchedules;
import io.mixfarm.core.trial.BnEval;
import io.mixfarm.core.trial.Evaluation;
import io.mixfarm.core.trial.RecordSteps;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Binds the merged, resolved config tree to an {@link ExperimentConfig}: rejects unknown keys first (a misspelt
 * key means the intended value never applied, so it explains any other error), then reads each value with its
 * type and range, naming the key in every message. The record's constructor re-checks the ranges as a backstop.
 */
final class ConfigBinder {

    /** Longest excerpt of a bad value quoted in a message. */
    private static final int MAX_SHOWN = 60;

    private ConfigBinder() {
    }

    static ExperimentConfig bind(ConfigObject root) {
        ConfigObject experiment = checkKeys(root);

        String name = string(experiment, Keys.NAME, Keys.path(Keys.NAME));
        String data = string(experiment, Keys.DATA, Keys.path(Keys.DATA));
        Preprocessing preprocessing = new Preprocessing(
                choice(experiment, Keys.NORMALISE, Preprocessing.Normalise::parse),
                choice(experiment, Keys.AUGMENT, Preprocessing.Augment::parse));
        ModelSpec modelSpec = model(object(experiment, Keys.MODEL, Keys.path(Keys.MODEL)));
        int batchSize = integer(experiment, Keys.BATCH_SIZE, Keys.path(Keys.BATCH_SIZE),
                ExperimentConfig.MIN_BATCH_SIZE);
        MixingStudy mixing = mixing(experiment);
        int epochs = mixing == null ? integer(experiment, Keys.EPOCHS, Keys.path(Keys.EPOCHS), 1)
                : mixingEpochs(experiment, mixing);
        List<Integer> recordEpochs = mixing == null ? recordEpochs(experiment, epochs)
                : mixing.withRecordEpochs(recordEpochs(experiment, epochs));
        RecordSteps recordSteps = recordSteps(object(experiment, Keys.RECORD_STEPS, Keys.path(Keys.RECORD_STEPS)),
                epochs);
        List<Schedule> schedules = mixing == null ? schedules(experiment, epochs) : mixing.schedules();
        List<Fork> forks = mixing == null ? forks(experiment, schedules) : mixing.forks();
        int trials = integer(experiment, Keys.TRIALS, Keys.path(Keys.TRIALS), 1);
        long seed = wholeNumber(experiment.get(Keys.SEED), Keys.path(Keys.SEED));
        boolean fixedInit = bool(experiment, Keys.FIXED_INIT, Keys.path(Keys.FIXED_INIT));
        String output = string(experiment, Keys.OUTPUT, Keys.path(Keys.OUTPUT));
        if (output.isBlank()) {
            // Checked here, not in the record: derived configs may blank the output (see its Javadoc).
            throw fail(Keys.path(Keys.OUTPUT), experiment.get(Keys.OUTPUT), "must not be blank");
        }
        int threads = integer(experiment, Keys.THREADS_PER_TRIAL, Keys.path(Keys.THREADS_PER_TRIAL), 1);
        Evaluation evaluation = evaluation(experiment, mixing != null);
        return new ExperimentConfig(name, data, preprocessing, modelSpec, batchSize, epochs, recordEpochs, schedules,
                forks, trials, seed, fixedInit, output, threads, recordSteps, evaluation);
    }

    // ---- structure and unknown keys ----

    /** Checks every object's keys against the schema and returns {@code experiment}. */
    private static ConfigObject checkKeys(ConfigObject root) {
        for (String key : new TreeSet<>(root.keySet())) {
            if (!key.equals(Keys.EXPERIMENT)) {
                // A known key at the top level most likely lost its "experiment {" wrapper.
                String suggestion = Keys.EXPERIMENT_KEYS.contains(key)
                        ? " (did you mean " + Keys.path(key) + "?)"
                        : Suggestions.didYouMean(key, List.of(Keys.EXPERIMENT));
                throw new ConfigException("unknown config key " + ConfigUtil.joinPath(key) + suggestion
                        + from(root.get(key)));
            }
        }
        ConfigObject experiment = object(root, Keys.EXPERIMENT, Keys.EXPERIMENT);
        requireKnownKeys(experiment, Keys.EXPERIMENT, Keys.EXPERIMENT_KEYS);
        if (experiment.get(Keys.MODEL) instanceof ConfigObject model) {
            requireKnownKeys(model, Keys.path(Keys.MODEL), Keys.MODEL_KEYS);
        }
        if (experiment.get(Keys.RECORD_STEPS) instanceof ConfigObject recordSteps) {
            requireKnownKeys(recordSteps, Keys.path(Keys.RECORD_STEPS), Keys.RECORD_STEPS_KEYS);
        }
        if (experiment.get(Keys.MIXING) instanceof ConfigObject mixing) {
            requireKnownKeys(mixing, Keys.path(Keys.MIXING), Keys.MIXING_KEYS);
        }
        if (experiment.get(Keys.SCHEDULES) instanceof ConfigList schedules) {
            for (int i = 0; i < schedules.size(); i++) {
                if (schedules.get(i) instanceof ConfigObject schedule) {
                    requireKnownKeys(schedule, Keys.schedulePath(i), Keys.SCHEDULE_KEYS);
                    if (schedule.get(Keys.FORK) instanceof ConfigObject fork) {
                        requireKnownKeys(fork, Keys.schedulePath(i) + "." + Keys.FORK, Keys.FORK_KEYS);
                    }
                }
            }
        }
        return experiment;
    }

    private static void requireKnownKeys(ConfigObject object, String path, List<String> known) {
        for (String key : new TreeSet<>(object.keySet())) {
            if (!known.contains(key)) {
                String suggestion = Suggestions.closest(key, known).map(k -> " (did you mean " + path + "." + k + "?)")
                        .orElse("");
                throw new ConfigException("unknown config key " + path + "." + ConfigUtil.joinPath(key) + suggestion
                        + from(object.get(key)));
            }
        }
    }

    // ---- values ----

    private static ModelSpec model(ConfigObject model) {
        String architecture = string(model, Keys.ARCHITECTURE, Keys.modelPath(Keys.ARCHITECTURE));
        if (!ModelSpec.ARCHITECTURES.contains(architecture)) {
            throw fail(Keys.modelPath(Keys.ARCHITECTURE), model.get(Keys.ARCHITECTURE), "unknown architecture \""
                    + architecture + "\"" + Suggestions.didYouMean(architecture, ModelSpec.ARCHITECTURES) + "; known: "
                    + String.join(", ", ModelSpec.ARCHITECTURES));
        }
        int width = integer(model, Keys.WIDTH, Keys.modelPath(Keys.WIDTH), 1);
        ConfigValue epsValue = required(model, Keys.BN_EPS, Keys.modelPath(Keys.BN_EPS));
        double bnEps = number(epsValue, Keys.modelPath(Keys.BN_EPS), "a number").doubleValue();
        if (!(bnEps > 0) || Double.isInfinite(bnEps)) {
            throw fail(Keys.modelPath(Keys.BN_EPS), epsValue, "must be a positive number, got " + show(epsValue));
        }
        return new ModelSpec(architecture, width, bnEps);
    }

    /**
     * How trials evaluate: {@code bn-eval} (in a mixing study {@code recomputed} unless the experiment sets it: its
     * TV curves must see the function of the current weights, docs/method.md, "Evaluation") and
     * {@code bn-eval-batches}.
     */
    private static Evaluation evaluation(ConfigObject experiment, boolean mixingStudy) {
        BnEval mode = isDefault(experiment.get(Keys.BN_EVAL)) && mixingStudy ? BnEval.RECOMPUTED
                : choice(experiment, Keys.BN_EVAL, BnEval::parse);
        // Ignored with running (a config written from code says 0 there), needed with recomputed.
        int batches = integer(experiment, Keys.BN_EVAL_BATCHES, Keys.path(Keys.BN_EVAL_BATCHES),
                mode == BnEval.RECOMPUTED ? 1 : 0);
        return new Evaluation(mode, batches);
    }

    /** The {@code mixing} block, or null when the experiment has none (defaults.conf's {@code mixing = null}). */
    private static MixingStudy mixing(ConfigObject experiment) {
        String path = Keys.path(Keys.MIXING);
        ConfigValue value = experiment.get(Keys.MIXING);
        if (value == null || value.valueType() == ConfigValueType.NULL) {
            return null;
        }
        if (!(value instanceof ConfigObject mixing)) {
            throw fail(path, value, "must be an object { intrinsic-lrs = [..], lr = .., prefix-epochs = .., "
                    + "epochs-after = .., perturbation = .. }, got " + show(value));
        }
        if (!isDefault(experiment.get(Keys.SCHEDULES))) {
            throw fail(path, value, "cannot be used with " + Keys.path(Keys.SCHEDULES) + " (the study expands into"
                    + " its own R- and P- schedules); remove one of them");
        }
        String lrsPath = Keys.mixingPath(Keys.INTRINSIC_LRS);
        ConfigValue lrsValue = required(mixing, Keys.INTRINSIC_LRS, lrsPath);
        if (!(lrsValue instanceof ConfigList lrs)) {
            throw fail(lrsPath, lrsValue, "must be a list of intrinsic LRs such as [0.04, 0.01], got "
                    + show(lrsValue));
        }
        List<Double> intrinsicLrs = new ArrayList<>(lrs.size());
        for (int i = 0; i < lrs.size(); i++) {
            intrinsicLrs.add(number(lrs.get(i), lrsPath + "[" + i + "]", "a number").doubleValue());
        }
        try {
            return new MixingStudy(intrinsicLrs,
                    number(required(mixing, Keys.LR, Keys.mixingPath(Keys.LR)), Keys.mixingPath(Keys.LR),
                            "a number").doubleValue(),
                    integer(mixing, Keys.PREFIX_EPOCHS, Keys.mixingPath(Keys.PREFIX_EPOCHS), 1),
                    integer(mixing, Keys.EPOCHS_AFTER, Keys.mixingPath(Keys.EPOCHS_AFTER), 1),
                    number(required(mixing, Keys.PERTURBATION, Keys.mixingPath(Keys.PERTURBATION)),
                            Keys.mixingPath(Keys.PERTURBATION), "a number").doubleValue());
        } catch (ConfigException e) {
            throw new ConfigException(e.getMessage() + from(value), e);
        }
    }

    /** A mixing study's epochs, which it sets: an {@code epochs} of the experiment's own must agree. */
    private static int mixingEpochs(ConfigObject experiment, MixingStudy mixing) {
        ConfigValue value = experiment.get(Keys.EPOCHS);
        if (!isDefault(value) && wholeNumber(value, Keys.path(Keys.EPOCHS)) != mixing.epochs()) {
            throw fail(Keys.path(Keys.EPOCHS), value, "is set by " + Keys.path(Keys.MIXING) + " ("
                    + Keys.PREFIX_EPOCHS + " + " + Keys.EPOCHS_AFTER + " = " + mixing.epochs() + "); leave it out");
        }
        return mixing.epochs();
    }

    /** Whether a value is defaults.conf's, i.e. neither the experiment file nor an override set it. */
    private static boolean isDefault(ConfigValue value) {
        String resource = value == null || value.origin() == null ? null : value.origin().resource();
        return resource != null && resource.endsWith(ConfigLoader.DEFAULTS);
    }

    /** A string key whose value one of the core's parsers turns into an enum; its message names the known values. */
    private static <T> T choice(ConfigObject experiment, String key, Function<String, T> parse) {
        String path = Keys.path(key);
        String value = string(experiment, key, path);
        try {
            return parse.apply(value);
        } catch (IllegalArgumentException e) {
            throw fail(path, experiment.get(key), e.getMessage());
        }
    }

    /** {@code record-epochs}, every {@code record-every}-th epoch and the last epoch, ascending, without repeats. */
    private static List<Integer> recordEpochs(ConfigObject experiment, int epochs) {
        String path = Keys.path(Keys.RECORD_EPOCHS);
        ConfigValue listValue = required(experiment, Keys.RECORD_EPOCHS, path);
        if (!(listValue instanceof ConfigList list)) {
            throw fail(path, listValue, "must be a list of epochs such as [120, 200], got " + show(listValue));
        }
        TreeSet<Integer> epochsToRecord = new TreeSet<>();
        for (int i = 0; i < list.size(); i++) {
            String elementPath = path + "[" + i + "]";
            long epoch = wholeNumber(list.get(i), elementPath);
            if (epoch < 1 || epoch > epochs) {
                throw fail(elementPath, list.get(i), "must be within 1.." + epochs + " (" + Keys.path(Keys.EPOCHS)
                        + "), got " + epoch);
            }
            epochsToRecord.add((int) epoch);
        }
        int every = integer(experiment, Keys.RECORD_EVERY, Keys.path(Keys.RECORD_EVERY), 0);
        for (int epoch = every; every > 0 && epoch <= epochs; epoch += every) {
            epochsToRecord.add(epoch);
        }
        // The last epoch's predictions are the experiment's end point (figure 3b), so they are never left out.
        epochsToRecord.add(epochs);
        return List.copyOf(epochsToRecord);
    }

    /** {@code record-steps}: both 0 (off), or {@code from-epoch} within 1..epochs and {@code every} at least 1. */
    private static RecordSteps recordSteps(ConfigObject recordSteps, int epochs) {
        String fromPath = Keys.recordStepsPath(Keys.FROM_EPOCH);
        String everyPath = Keys.recordStepsPath(Keys.EVERY);
        int from = integer(recordSteps, Keys.FROM_EPOCH, fromPath, 0);
        int every = integer(recordSteps, Keys.EVERY, everyPath, 0);
        if (every == 0 && from != 0) {
            throw fail(everyPath, recordSteps.get(Keys.EVERY), "must be >= 1 when " + fromPath + " is set (0 turns"
                    + " step recording off, with " + fromPath + " = 0)");
        }
        if (every > 0 && (from < 1 || from > epochs)) {
            throw fail(fromPath, recordSteps.get(Keys.FROM_EPOCH), "must be within 1.." + epochs + " ("
                    + Keys.path(Keys.EPOCHS) + ") when " + everyPath + " is set, got " + from);
        }
        return new RecordSteps(from, every);
    }

    private static List<Schedule> schedules(ConfigObject experiment, int epochs) {
        String path = Keys.path(Keys.SCHEDULES);
        ConfigValue listValue = required(experiment, Keys.SCHEDULES, path);
        if (!(listValue instanceof ConfigList list)) {
            throw fail(path, listValue, "must be a list of schedules such as [Const, LR-decay], got "
                    + show(listValue));
        }
        if (list.isEmpty()) {
            throw fail(path, listValue, "must list at least one schedule");
        }
        // Duplicate names are the record's to refuse (ExperimentConfig): the binder converts, the record validates.
        List<Schedule> schedules = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            ConfigValue element = list.get(i);
            Schedule schedule = switch (element.valueType()) {
                case STRING -> named(element, Keys.schedulePath(i), epochs);
                case OBJECT -> custom((ConfigObject) element, Keys.schedulePath(i), epochs);
                default -> throw fail(Keys.schedulePath(i), element, "must be a schedule name such as Const or an"
                        + " object { name = .., text = \"EPOCH: lr=.. wd=..; ..\" }, got " + show(element));
            };
            schedules.add(schedule);
        }
        return schedules;
    }

    /**
     * The {@code fork} objects of the schedule entries, in schedule order; their types here, how they relate to the
     * schedules in {@link ExperimentConfig}'s constructor.
     */
    private static List<Fork> forks(ConfigObject experiment, List<Schedule> schedules) {
        ConfigList list = (ConfigList) experiment.get(Keys.SCHEDULES);
        List<Fork> forks = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof ConfigObject entry) || entry.get(Keys.FORK) == null
                    || entry.get(Keys.FORK).valueType() == ConfigValueType.NULL) {
                continue;
            }
            ConfigObject fork = object(entry, Keys.FORK, Keys.schedulePath(i) + "." + Keys.FORK);
            String parent = string(fork, Keys.FROM, Keys.forkPath(i, Keys.FROM));
            int at = integer(fork, Keys.AT, Keys.forkPath(i, Keys.AT), 1);
            forks.add(new Fork(schedules.get(i).name(), parent, at));
        }
        return forks;
    }

    /** A paper schedule by name, stretched to {@code epochs}. */
    private static Schedule named(ConfigValue value, String path, int epochs) {
        String name = (String) value.unwrapped();
        if (name.indexOf(':') >= 0) {
            throw fail(path, value, "a schedule text needs a name: write { name = \"my-schedule\", text = \""
                    + name.strip() + "\" }");
        }
        if (ExperimentConfig.paperName(name) == null) {
            List<String> fixed = new ArrayList<>(Schedules.names());
            fixed.addAll(Table1Schedules.names());
            throw fail(path, value, "unknown schedule \"" + name + "\"" + Suggestions.didYouMean(name, fixed)
                    + "; expected one of " + String.join(", ", Schedules.names()) + ", Schedule_1..Schedule_5, "
                    + WdLrSchedules.FORM + " (scaled to " + Keys.path(Keys.EPOCHS) + ") or an object { name = .., "
                    + "text = \"EPOCH: lr=.. wd=..; ..\" }");
        }
        try {
            return Schedules.named(name, epochs);
        } catch (IllegalArgumentException e) {
            throw fail(path, value, e.getMessage());
        }
    }

    /** A schedule given as { name, text }. */
    private static Schedule custom(ConfigObject object, String path, int epochs) {
        String namePath = path + "." + Keys.NAME;
        String textPath = path + "." + Keys.TEXT;
        String name = string(object, Keys.NAME, namePath);
        String problem = ScheduleName.problem(name);
        if (problem != null) {
            throw fail(namePath, object.get(Keys.NAME), problem);
        }
        String paper = ExperimentConfig.paperName(name);
        if (paper != null) {
            throw fail(namePath, object.get(Keys.NAME), ExperimentConfig.reservedProblem(name, paper));
        }
        String text = string(object, Keys.TEXT, textPath);
        try {
            return Schedule.parse(name, text).requireWithin(epochs);
        } catch (IllegalArgumentException e) {
            throw fail(textPath, object.get(Keys.TEXT), e.getMessage());
        }
    }

    // ---- typed readers: HOCON's own conversions (e.g. "8" to 8), our messages ----

    private static ConfigValue required(ConfigObject object, String key, String path) {
        ConfigValue value = object.get(key);
        if (value == null || value.valueType() == ConfigValueType.NULL) {
            throw fail(path, value, "missing");
        }
        return value;
    }

    private static ConfigObject object(ConfigObject parent, String key, String path) {
        ConfigValue value = required(parent, key, path);
        if (value instanceof ConfigObject object) {
            return object;
        }
        throw fail(path, value, "must be an object { .. }, got " + show(value));
    }

    private static String string(ConfigObject object, String key, String path) {
        ConfigValue value = required(object, key, path);
        try {
            return value.atKey("v").getString("v");
        } catch (com.typesafe.config.ConfigException e) {
            throw fail(path, value, "must be a string, got " + show(value));
        }
    }

    private static boolean bool(ConfigObject object, String key, String path) {
        ConfigValue value = required(object, key, path);
        try {
            return value.atKey("v").getBoolean("v");
        } catch (com.typesafe.config.ConfigException e) {
            throw fail(path, value, "must be true or false, got " + show(value));
        }
    }

    /** A number; {@code expected} says what kind in the message, e.g. "a whole number". */
    private static Number number(ConfigValue value, String path, String expected) {
        if (value == null || value.valueType() == ConfigValueType.NULL) {
            throw fail(path, value, "missing");
        }
        try {
            return value.atKey("v").getNumber("v");
        } catch (com.typesafe.config.ConfigException e) {
            throw fail(path, value, "must be " + expected + ", got " + show(value));
        }
    }

    /** A whole number: typesafe's getInt would truncate 1.5 to 1 without a word. */
    private static long wholeNumber(ConfigValue value, String path) {
        Number number = number(value, path, "a whole number");
        if (number instanceof Integer || number instanceof Long) {
            return number.longValue();
        }
        double d = number.doubleValue();
        // 2^63 itself rounds to Long.MAX_VALUE + 1, so the upper bound is exclusive.
        if (d != Math.rint(d) || d < -0x1p63 || d >= 0x1p63) {
            throw fail(path, value, "must be a whole number, got " + show(value));
        }
        return (long) d;
    }

    private static int integer(ConfigObject object, String key, String path, int min) {
        ConfigValue value = required(object, key, path);
        long number = wholeNumber(value, path);
        if (number < min) {
            throw fail(path, value, ExperimentConfig.atLeastProblem(min, number));
        }
        if (number > Integer.MAX_VALUE) {
            throw fail(path, value, "must be <= " + Integer.MAX_VALUE + ", got " + number);
        }
        return (int) number;
    }

    // ---- messages ----

    private static ConfigException fail(String path, ConfigValue value, String problem) {
        return new ConfigException(path + ": " + problem + from(value));
    }

    /** " (from override "trials=0")" when an override set the value, since the file is then not to blame. */
    private static String from(ConfigValue value) {
        if (value == null || value.origin() == null) {
            return "";
        }
        String description = value.origin().description();
        return description.startsWith(Overrides.ORIGIN_PREFIX) ? " (from " + description + ")" : "";
    }

    /** The value as it would be written in HOCON, shortened to one short line. */
    private static String show(ConfigValue value) {
        if (value == null) {
            return "nothing";
        }
        String text = value.render(ConfigRenderOptions.concise());
        return text.length() <= MAX_SHOWN ? text : text.substring(0, MAX_SHOWN - 3) + "...";
    }
}
