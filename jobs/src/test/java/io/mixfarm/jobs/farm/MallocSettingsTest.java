package io.mixfarm.jobs.farm;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * glibc's malloc settings have one home, submit/lib.sh's {@code mf_glibc_default}, which the launchers source; the
 * copies that cannot source it (the Spark executors' environment set by {@link FarmJob}, and pom.xml's for the
 * tests' JVMs, which this JVM was started with) must equal it.
 */
class MallocSettingsTest {

    private static final Path LIB = Path.of("..", "submit", "lib.sh");
    private static final Pattern DEFAULT = Pattern.compile("(?m)^mf_glibc_default=\"([^\"]+)\"$");

    @Test
    void theExecutorsAndTheTestsRunWithTheLaunchersMallocSettings() throws IOException {
        Matcher m = DEFAULT.matcher(Files.readString(LIB));
        assertTrue(m.find(), "submit/lib.sh defines mf_glibc_default");
        assertEquals(m.group(1), FarmJob.GLIBC_TUNABLES, "FarmJob.GLIBC_TUNABLES");
        assertEquals(m.group(1), System.getenv("GLIBC_TUNABLES"), "pom.xml's mixfarm.glibc.tunables (surefire)");
    }

    @Test
    void theLaunchersTakeItFromTheLibrary() throws IOException {
        for (String script : new String[] {"mixfarm", "bench-torch", "gpu-smoke.sh"}) {
            String text = Files.readString(Path.of("..", "submit", script));
            assertTrue(text.contains("GLIBC_TUNABLES=\"${GLIBC_TUNABLES:-$mf_glibc_default}\""),
                    "submit/" + script + " defaults GLIBC_TUNABLES to lib.sh's mf_glibc_default");
            assertTrue(!text.contains("trim_threshold"), "submit/" + script + " spells no malloc setting of its own");
        }
    }
}
