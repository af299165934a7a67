package io.mixfarm.jobs.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.mixfarm.jobs.cli.Mixfarm;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** {@code mixfarm trial}'s defaults live in defaults.conf, with the experiment's, and nowhere else. */
class TrialDefaultsTest {

    private static final Config FILE = ConfigFactory.parseResources(ExperimentConfig.class, ConfigLoader.DEFAULTS);

    @Test
    void everyTrialDefaultIsReadFromDefaultsConfAndNoneIsWrittenInTheCommand() {
        CommandLine trial = Mixfarm.commandLine().getSubcommands().get("trial");
        for (String name : TrialDefaults.options()) {
            OptionSpec option = trial.getCommandSpec().findOption(name);
            assertNull(option.defaultValue(), name + " writes its own default");
            assertEquals(FILE.getValue(keyOf(name)).unwrapped().toString(), option.defaultValueString(), name);
        }
    }

    @Test
    void theTrialBlockIsNoExperimentKey() {
        // An experiment built from the defaults alone binds: the loader leaves the trial block out.
        assertEquals("mnist-sample", ExperimentConfig.load(null, List.of()).name());
    }

    private static String keyOf(String option) {
        return switch (option) {
            case "--architecture" -> "experiment.model.architecture";
            case "--schedule", "--epochs", "--seed" -> "trial." + option.substring(2);
            default -> "experiment." + option.substring(2);
        };
    }
}
