package io.mixfarm.jobs.farm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mixfarm.core.runtime.RuntimeSetup;
import io.mixfarm.jobs.store.ExperimentStore;
import io.mixfarm.jobs.store.TrialRecord;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trial row's {@code device} is what {@code trial --from} reruns with, so it must say the OpenMP threads the trial
 * really ran with: in a local farm that is the JVM's own count, whatever the config's threads-per-trial says.
 */
class RecordedThreadsTest {

    @Test
    void aLocalFarmRecordsTheThreadsItsJvmRunsWithNotTheConfigs(@TempDir Path dir) {
        // Surefire starts the test JVM with OMP_NUM_THREADS=1 (pom.xml); the config asks for 2.
        assertEquals(1, RuntimeSetup.openMpThreads());
        Path out = TinyFarm.run(dir, 1, "threads-per-trial=2");

        List<String> devices = new ExperimentStore(out.toString(), new Configuration()).trials().values().stream()
                .map(TrialRecord::device).toList();
        assertEquals(List.of("cpu:1-threads", "cpu:1-threads"), devices);
    }
}
