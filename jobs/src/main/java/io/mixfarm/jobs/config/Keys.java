package io.mixfarm.jobs.config;

import java.util.List;

/**
 * The config's key names, shared by the binder, the renderer and error messages so that a key is spelled once.
 * {@code defaults.conf} documents each; a key missing here is unknown, a key missing there fails every load.
 */
final class Keys {

    /** The one top-level key. */
    static final String EXPERIMENT = "experiment";

    static final String NAME = "name";
    static final String DATA = "data";
    static final String NORMALISE = "normalise";
    static final String AUGMENT = "augment";
    static final String MODEL = "model";
    static final String BATCH_SIZE = "batch-size";
    static final String EPOCHS = "epochs";
    static final String RECORD_EPOCHS = "record-epochs";
    static final String RECORD_EVERY = "record-every";
    static final String SCHEDULES = "schedules";
    static final String TRIALS = "trials";
    static final String SEED = "seed";
    static final String FIXED_INIT = "fixed-init";
    static final String OUTPUT = "output";
    static final String THREADS_PER_TRIAL = "threads-per-trial";

    static final String ARCHITECTURE = "architecture";
    static final String WIDTH = "width";
    static final String BN_EPS = "bn-eps";

    /** Keys of a custom schedule object; {@link #NAME} is shared with the experiment's. */
    static final String TEXT = "text";
    static final String FORK = "fork";

    /** Keys of a schedule's {@code fork} object. */
    static final String FROM = "from";
    static final String AT = "at";

    /** Keys under {@code experiment}, in the order of {@code defaults.conf}. */
    static final List<String> EXPERIMENT_KEYS = List.of(NAME, DATA, NORMALISE, AUGMENT, MODEL, BATCH_SIZE, EPOCHS,
            RECORD_EPOCHS, RECORD_EVERY, SCHEDULES, TRIALS, SEED, FIXED_INIT, OUTPUT, THREADS_PER_TRIAL);
    /** Keys under {@code experiment.model}. */
    static final List<String> MODEL_KEYS = List.of(ARCHITECTURE, WIDTH, BN_EPS);
    /** Keys of a custom schedule object in {@code experiment.schedules}. */
    static final List<String> SCHEDULE_KEYS = List.of(NAME, TEXT, FORK);
    /** Keys of a schedule's {@code fork} object. */
    static final List<String> FORK_KEYS = List.of(FROM, AT);

    private Keys() {
    }

    /** The full path of a key under {@code experiment}, e.g. {@code experiment.trials}. */
    static String path(String key) {
        return EXPERIMENT + "." + key;
    }

    /** The full path of a key under {@code experiment.model}. */
    static String modelPath(String key) {
        return path(MODEL) + "." + key;
    }

    /** The path of the {@code index}-th (0-based) schedule, e.g. {@code experiment.schedules[1]}. */
    static String schedulePath(int index) {
        return path(SCHEDULES) + "[" + index + "]";
    }

    /** The path of a key of the {@code index}-th schedule's fork, e.g. {@code experiment.schedules[1].fork.at}. */
    static String forkPath(int index, String key) {
        return schedulePath(index) + "." + FORK + "." + key;
    }
}
