package io.mixfarm.jobs.store;

import io.mixfarm.core.data.DataFingerprint;
import io.mixfarm.core.trial.EpochMetrics;
import io.mixfarm.core.trial.EpochPredictions;
import io.mixfarm.core.trial.GroupStats;
import io.mixfarm.core.trial.RecordPoint;
import io.mixfarm.core.trial.StepMetrics;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.schema.MessageType;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Converts between mixfarm's types and the rows of {@link ParquetSchemas}. */
final class Rows {

    /** The largest class an INT(8, signed) column holds. */
    private static final int MAX_CLASS = Byte.MAX_VALUE;

    private Rows() {
    }

    /**
     * Checks that every record point appears once and predicted each test image once, and that all classes fit the
     * INT(8) columns, so that a bad trial is rejected before any of its files is written.
     *
     * @param labels true class per test image, unsigned bytes as in {@code ImageSet}
     */
    static void checkPredictions(int trial, List<EpochPredictions> predictions, byte[] labels) {
        for (int image = 0; image < labels.length; image++) {
            requireClass(labels[image] & 0xFF, "label", image);
        }
        Set<Long> steps = new HashSet<>();
        for (EpochPredictions epoch : predictions) {
            if (!steps.add(epoch.step())) {
                throw new IllegalArgumentException("trial " + trial + " has predictions at step " + epoch.step()
                        + " (epoch " + epoch.epoch() + ") twice");
            }
            byte[] predicted = epoch.predicted();
            if (predicted.length != labels.length) {
                throw new IllegalArgumentException("trial " + trial + " predicted " + predicted.length
                        + " test images after epoch " + epoch.epoch() + " but there are " + labels.length
                        + " test labels");
            }
            for (int image = 0; image < predicted.length; image++) {
                requireClass(predicted[image], "predicted class", image);
            }
        }
    }

    /** The weight groups' names, from the first epoch; every epoch must list the same groups. */
    static List<String> groupNames(List<EpochMetrics> epochs) {
        List<String> names = new ArrayList<>();
        if (!epochs.isEmpty()) {
            for (GroupStats group : epochs.get(0).groups()) {
                names.add(group.group());
            }
        }
        return names;
    }

    /**
     * One row per epoch, for the schema {@link ParquetSchemas#metrics} built from {@code groups}; an epoch's
     * {@code step} is its last, {@code epoch * stepsPerEpoch}.
     */
    static List<Group> metrics(int trial, List<EpochMetrics> epochs, int stepsPerEpoch, List<String> groups) {
        SimpleGroupFactory factory = new SimpleGroupFactory(ParquetSchemas.metrics(groups));
        List<Group> rows = new ArrayList<>(epochs.size());
        for (EpochMetrics m : epochs) {
            Group row = factory.newGroup();
            row.add("trial", trial);
            row.add("epoch", m.epoch());
            row.add(ParquetSchemas.STEP, RecordPoint.endOf(m.epoch(), stepsPerEpoch).step());
            row.add("lr", m.lr());
            row.add("wd", m.wd());
            row.add("train_loss", m.trainLoss());
            row.add("train_error", m.trainError());
            row.add("test_loss", m.testLoss());
            row.add("test_error", m.testError());
            row.add("norm", m.totalNorm());
            row.add("effective_lr", m.totalEffectiveLr());
            addGroups(row, m.groups(), groups, "epoch " + m.epoch() + " of trial " + trial);
            row.add("train_seconds", m.trainSeconds());
            row.add("eval_seconds", m.evalSeconds());
            rows.add(row);
        }
        return rows;
    }

    /** One row per record point inside an epoch, for the schema {@link ParquetSchemas#stepMetrics}. */
    static List<Group> stepMetrics(int trial, List<StepMetrics> steps, List<String> groups) {
        SimpleGroupFactory factory = new SimpleGroupFactory(ParquetSchemas.stepMetrics(groups));
        List<Group> rows = new ArrayList<>(steps.size());
        for (StepMetrics m : steps) {
            Group row = factory.newGroup();
            row.add("trial", trial);
            row.add("epoch", m.point().epoch());
            row.add(ParquetSchemas.STEP, m.point().step());
            row.add("lr", m.lr());
            row.add("wd", m.wd());
            row.add("test_loss", m.testLoss());
            row.add("test_error", m.testError());
            row.add("norm", m.totalNorm());
            row.add("effective_lr", m.totalEffectiveLr());
            addGroups(row, m.groups(), groups, "step " + m.point().step() + " of trial " + trial);
            row.add("eval_seconds", m.evalSeconds());
            rows.add(row);
        }
        return rows;
    }

    /** {@code norm_<group>} and {@code effective_lr_<group>}, the groups in the order of the first epoch's. */
    private static void addGroups(Group row, List<GroupStats> stats, List<String> groups, String where) {
        if (stats.size() != groups.size()) {
            throw new IllegalArgumentException(where + " has " + stats.size() + " weight groups, the first epoch "
                    + groups.size());
        }
        for (int g = 0; g < groups.size(); g++) {
            GroupStats group = stats.get(g);
            if (!group.group().equals(groups.get(g))) {
                throw new IllegalArgumentException(where + " has weight group " + group.group()
                        + " where the first epoch has " + groups.get(g));
            }
            row.add(ParquetSchemas.normColumn(group.group()), group.norm());
            row.add(ParquetSchemas.effectiveLrColumn(group.group()), group.effectiveLr());
        }
    }

    /** The {@code trials} row of a record; the schedule is the partition folder, not a column. */
    static Group trial(TrialRecord r) {
        Group row = new SimpleGroupFactory(ParquetSchemas.TRIALS).newGroup();
        row.add("trial", r.trial());
        row.add("status", r.status().stored());
        row.add("seed", r.seed());
        row.add("init_seed", r.initSeed());
        row.add("spec", r.spec());
        row.add("host", r.host());
        row.add("device", r.device());
        row.add("attempt", r.attempt());
        row.add("start_time", r.startMillis());
        row.add("end_time", r.endMillis());
        row.add("wall_seconds", r.wallSeconds());
        // A null optional field is simply not added: Parquet stores it as a definition level, no value.
        if (r.finalTrainError() != null) {
            row.add("final_train_error", r.finalTrainError());
        }
        if (r.finalTestError() != null) {
            row.add("final_test_error", r.finalTestError());
        }
        if (r.error() != null) {
            row.add("error", r.error());
        }
        if (r.implementation() != null) {
            row.add(ParquetSchemas.IMPLEMENTATION, r.implementation().text());
        }
        if (r.data() != null) {
            row.add(ParquetSchemas.DATA_FINGERPRINT, r.data().text());
        }
        return row;
    }

    /** The record of a {@code trials} row read back from the partition folder of {@code schedule}. */
    static TrialRecord trial(String schedule, Group row) {
        String implementation = optionalString(row, ParquetSchemas.IMPLEMENTATION);
        String data = optionalString(row, ParquetSchemas.DATA_FINGERPRINT);
        return new TrialRecord(schedule, row.getInteger("trial", 0), TrialStatus.parse(row.getString("status", 0)),
                row.getLong("seed", 0), row.getLong("init_seed", 0), row.getString("spec", 0),
                row.getString("host", 0), row.getString("device", 0), row.getInteger("attempt", 0),
                row.getLong("start_time", 0), row.getLong("end_time", 0), row.getDouble("wall_seconds", 0),
                optionalDouble(row, "final_train_error"), optionalDouble(row, "final_test_error"),
                optionalString(row, "error"), implementation == null ? null : Implementation.parse(implementation),
                data == null ? null : DataFingerprint.parse(data));
    }

    /** An optional string column's value; null if it is null, or absent from a file written before it existed. */
    private static String optionalString(Group row, String field) {
        return !row.getType().containsField(field) || row.getFieldRepetitionCount(field) == 0 ? null
                : row.getString(field, 0);
    }

    private static Double optionalDouble(Group row, String field) {
        return row.getFieldRepetitionCount(field) == 0 ? null : row.getDouble(field, 0);
    }

    private static int requireClass(int value, String what, int image) {
        if (value < 0 || value > MAX_CLASS) {
            throw new IllegalArgumentException(what + " " + value + " of test image " + image
                    + " does not fit the INT(8) column (0.." + MAX_CLASS + ")");
        }
        return value;
    }
}
