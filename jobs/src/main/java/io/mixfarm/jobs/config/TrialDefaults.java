package io.mixfarm.jobs.config;

import com.typesafe.config.Config;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.Map;
import java.util.Set;

/**
 * The defaults of {@code mixfarm trial}'s options, read from {@code defaults.conf} so that they live in one file
 * with the experiment's: the options a trial shares with an experiment take the experiment's default, and the
 * three it does not ({@code --schedule}, {@code --epochs}, {@code --seed}) come from the file's {@code trial} block.
 */
public final class TrialDefaults implements IDefaultValueProvider {

    /** The block of {@code defaults.conf} that holds the trial's own defaults. */
    static final String BLOCK = "trial";

    /** Option name to its key in {@code defaults.conf}. */
    private static final Map<String, String> KEYS = Map.of(
            "--data", Keys.path(Keys.DATA),
            "--architecture", Keys.modelPath(Keys.ARCHITECTURE),
            "--normalise", Keys.path(Keys.NORMALISE),
            "--augment", Keys.path(Keys.AUGMENT),
            "--batch-size", Keys.path(Keys.BATCH_SIZE),
            "--bn-eval", Keys.path(Keys.BN_EVAL),
            "--bn-eval-batches", Keys.path(Keys.BN_EVAL_BATCHES),
            "--schedule", BLOCK + ".schedule",
            "--epochs", BLOCK + ".epochs",
            "--seed", BLOCK + ".seed");

    private final Config defaults = ConfigLoader.allDefaults();

    @Override
    public String defaultValue(ArgSpec argSpec) {
        if (argSpec instanceof OptionSpec option) {
            String key = KEYS.get(option.longestName());
            if (key != null) {
                return defaults.getValue(key).unwrapped().toString();
            }
        }
        return null;
    }

    /** The options whose defaults this provides. */
    public static Set<String> options() {
        return KEYS.keySet();
    }
}
