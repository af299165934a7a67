package io.mixfarm.jobs.experiment;

import io.mixfarm.jobs.config.ConfigException;
import io.mixfarm.jobs.config.ExperimentConfig;
import io.mixfarm.jobs.store.ExperimentStore;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One experiment's output folder as a whole: which experiment it holds (the config recorded in
 * {@code experiment.json} and its identity), whether a config may run into it, and the record of each run. The
 * farm, the TV job, the report, SQL and {@code trial --from} all start here; what lies inside the folder, file by
 * file, is {@link ExperimentStore}'s.
 */
public final class ExperimentFolder {

    private final ExperimentStore store;

    private ExperimentFolder(ExperimentStore store) {
        this.store = store;
    }

    /**
     * The folder at {@code output}; it need not exist yet, but it must not be a file.
     *
     * @throws ExperimentException if {@code output} is a file
     */
    public static ExperimentFolder at(String output, Configuration hadoop) {
        requireNotAFile(output, hadoop);
        return new ExperimentFolder(new ExperimentStore(output, hadoop));
    }

    /** The files of the folder. */
    public ExperimentStore store() {
        return store;
    }

    /** The folder as given. */
    public String output() {
        return store.output();
    }

    /**
     * The hash of what makes trials comparable: the config without its output folder and trial count, so a moved
     * folder still matches and more trials can be added to an experiment.
     */
    public static String identityHash(ExperimentConfig config) {
        return config.withOutput("(any)").withTrials(1).hash();
    }

    /**
     * Takes the folder for {@code config}: it must be empty or hold the same experiment, in the current layout;
     * {@code force} deletes another experiment's outputs, or predictions of the earlier per-epoch layout, instead (a
     * resume would mix two layouts in one dataset, which Spark refuses to read, and the version that wrote them
     * trained with other code anyway).
     *
     * @throws ExperimentException if the folder holds another experiment, or the earlier layout, and {@code force}
     *                             is off
     */
    public void claim(ExperimentConfig config, boolean force) {
        Optional<String> manifest = store.readManifest();
        if (manifest.isEmpty()) {
            return;
        }
        if (store.hasPerEpochPredictions()) {
            if (!force) {
                throw new ExperimentException(config.output() + " holds predictions in the per-epoch layout of an "
                        + "earlier mixfarm (predictions/schedule=S/epoch=E/), which this version reads but does not "
                        + "extend; choose another output folder, or --force to delete its outputs and start afresh");
            }
            store.deleteOutputs();
            return;
        }
        String theirs = Manifest.identityHash(manifest.get());
        String ours = identityHash(config);
        if (theirs.equals(ours) || identityToday(manifest.get()).equals(ours)) {
            return;
        }
        if (!force) {
            throw new ExperimentException(config.output() + " holds another experiment (identity " + abbrev(theirs)
                    + ", this config " + abbrev(ours) + "); choose another output folder, or --force to delete "
                    + "its outputs and start afresh");
        }
        store.deleteOutputs();
    }

    /** The config recorded in {@code experiment.json}. */
    public ExperimentConfig recordedConfig() {
        return ExperimentConfig.parse(Manifest.config(manifest()), List.of());
    }

    /** The number of classes of the experiment's data set, as recorded in {@code experiment.json}. */
    public int recordedClasses() {
        return Manifest.classes(manifest());
    }

    /**
     * Records a run in {@code experiment.json}: the experiment's provenance replaces the previous one, the first
     * run's creation time is kept, and the run is appended to the list of runs.
     */
    public void recordRun(String name, Map<String, String> provenance) {
        store.writeManifest(Manifest.update(store.readManifest(), name, provenance));
    }

    private String manifest() {
        return store.readManifest().orElseThrow(() -> new ExperimentException(store.output()
                + " holds no experiment (no experiment.json)"));
    }

    /**
     * The identity of the experiment a manifest records, as this version reads its config: keys added since it was
     * written take their defaults, which reproduce what older versions did (e.g. {@code normalise} and
     * {@code augment} "none"), so a farm started before such a key existed can still be resumed. Empty if the
     * recorded config no longer parses.
     */
    private static String identityToday(String manifest) {
        try {
            return identityHash(ExperimentConfig.parse(Manifest.config(manifest), List.of()));
        } catch (ConfigException e) {
            return "";
        }
    }

    private static void requireNotAFile(String output, Configuration hadoop) {
        Path path = new Path(output);
        try {
            FileSystem fs = path.getFileSystem(hadoop);
            FileStatus status = fs.getFileStatus(path);
            if (!status.isDirectory()) {
                throw new ExperimentException(output + " is a file, not an experiment folder: choose a folder "
                        + "(new or holding this experiment)");
            }
        } catch (FileNotFoundException e) {
            // A new folder: the farm creates it.
        } catch (IOException e) {
            throw new UncheckedIOException("cannot look at " + output, e);
        }
    }

    private static String abbrev(String hash) {
        return hash.length() > 12 ? hash.substring(0, 12) : hash;
    }
}
