package io.mixfarm.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.mixfarm.jobs.tv.TvOptions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** {@code mixfarm tv}'s defaults are {@link TvOptions#DEFAULT}'s, which {@code mixfarm run}'s analysis uses too. */
class TvCommandTest {

    @Test
    void theCommandsDefaultsAreTvOptionsDefaultsAndWrittenNowhereElse() {
        CommandLine tv = Mixfarm.commandLine().getSubcommands().get("tv");
        Map<String, Integer> expected = Map.of("--permutations", TvOptions.DEFAULT.permutations(),
                "--resamples", TvOptions.DEFAULT.resamples());
        expected.forEach((name, value) -> {
            OptionSpec option = tv.getCommandSpec().findOption(name);
            assertNull(option.defaultValue(), name + " writes its own default");
            assertEquals(String.valueOf(value), option.defaultValueString(), name);
        });
    }
}
