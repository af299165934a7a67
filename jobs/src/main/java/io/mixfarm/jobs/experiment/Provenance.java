package io.mixfarm.jobs.experiment;

import io.mixfarm.core.model.ModelSpec;
import io.mixfarm.core.model.Networks;
import io.mixfarm.core.runtime.RuntimeSetup;
import io.mixfarm.jobs.store.Implementation;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What produced an output, as Parquet key-value metadata and in {@code experiment.json}: enough to rerun any
 * single trial outside the farm and to know why two runs may differ (Java, CPU architecture, ND4J backend and
 * thread count all change the bits).
 */
public final class Provenance {

    private Provenance() {
    }

    /** The experiment-wide entries, fixed on the driver. */
    public static Map<String, String> experiment(String config, String configHash, String identityHash,
                                                 String sparkAppId, String sparkVersion) {
        BuildInfo build = BuildInfo.current();
        Map<String, String> map = new LinkedHashMap<>();
        map.put("mixfarm.version", build.version());
        map.put("mixfarm.git_commit", build.commit());
        map.put("mixfarm.config_hash", configHash);
        map.put("mixfarm.identity_hash", identityHash);
        map.put("mixfarm.config", config);
        map.put("spark.app_id", sparkAppId);
        map.put("spark.version", sparkVersion);
        return map;
    }

    /**
     * What computes a trial of this model in this JVM: the build's version and commit, the network's kernels
     * and the ND4J backend (loading it, so call it where the trial runs).
     */
    public static Implementation implementation(ModelSpec model) {
        BuildInfo build = BuildInfo.current();
        return new Implementation(build.version(), build.commit(), Networks.kernels(model).label(),
                RuntimeSetup.backend());
    }

    /** The entries of the JVM that trains, taken where the trial runs. */
    public static Map<String, String> runtime() {
        Map<String, String> map = jvm();
        map.put("nd4j.backend", RuntimeSetup.backend());
        map.put("nd4j.threads", Integer.toString(RuntimeSetup.threads()));
        map.put("nd4j.onednn_helpers", Boolean.toString(RuntimeSetup.helpersEnabled()));
        map.put("mixfarm.written_at", java.time.Instant.now().toString());
        return map;
    }

    /**
     * {@link #runtime()} for the driver, which trains nothing: a driver that cannot load the jar's ND4J backend
     * (the CUDA jar on a login node without a GPU or CUDA libraries) records why, instead of failing the farm
     * before any executor, where the backend does load, had a chance.
     */
    public static Map<String, String> driverRuntime() {
        try {
            return runtime();
        } catch (RuntimeException | LinkageError e) {
            Map<String, String> map = jvm();
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            map.put("nd4j.backend", "unavailable on the driver: " + (root == e ? e : e + ", caused by " + root));
            map.put("mixfarm.written_at", java.time.Instant.now().toString());
            return map;
        }
    }

    /**
     * The entries of a JVM that writes an analysis output (the TV job's tables), taken where the file is written:
     * Java, OS and the time; no ND4J, which the analysis does not load.
     */
    public static Map<String, String> analysisRuntime() {
        Map<String, String> map = jvm();
        map.put("mixfarm.written_at", java.time.Instant.now().toString());
        return map;
    }

    private static Map<String, String> jvm() {
        Map<String, String> map = new LinkedHashMap<>();
        map.put("java.version", System.getProperty("java.version"));
        map.put("java.vendor", System.getProperty("java.vendor"));
        map.put("os.name", System.getProperty("os.name"));
        map.put("os.arch", System.getProperty("os.arch"));
        return map;
    }
}
