package io.mixfarm.jobs.store;

import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The Parquet schemas of the datasets of an experiment folder. The partition column {@code schedule} is not
 * in the files: it exists only as {@code schedule=S} directories.
 */
public final class ParquetSchemas {

    /** The column of a record point's step: SGD steps since the start of training (docs/method.md, "Record points"). */
    public static final String STEP = "step";

    /**
     * Footer key of the SGD steps per epoch of the trial that wrote a file, which turns an epoch's end into a step:
     * a reader asking for the end of epoch {@code e} reads step {@code e * S}.
     */
    public static final String STEPS_PER_EPOCH = "mixfarm.steps_per_epoch";

    /**
     * One row per test image and record point, a trial's record points in one file (one row group per point,
     * sorted by step then image); classes as INT(8) so Spark reads a byte and DuckDB a TINYINT.
     */
    public static final MessageType PREDICTIONS = Types.buildMessage()
            .required(PrimitiveTypeName.INT32).named("trial")
            .required(PrimitiveTypeName.INT32).named("epoch")
            .required(PrimitiveTypeName.INT64).named(STEP)
            .required(PrimitiveTypeName.INT32).named("image")
            .required(PrimitiveTypeName.INT32).as(LogicalTypeAnnotation.intType(8, true)).named("predicted")
            .required(PrimitiveTypeName.INT32).as(LogicalTypeAnnotation.intType(8, true)).named("label")
            .named("prediction");

    /** The {@code trials} column of a trial's {@link Implementation}. */
    public static final String IMPLEMENTATION = "implementation";
    /** The {@code trials} column of a trial's data fingerprint. */
    public static final String DATA_FINGERPRINT = "data_fingerprint";

    /** One row per finished trial; the final errors are null for a failed trial, the error for a succeeded one. */
    public static final MessageType TRIALS = Types.buildMessage()
            .required(PrimitiveTypeName.INT32).named("trial")
            .required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("status")
            .required(PrimitiveTypeName.INT64).named("seed")
            .required(PrimitiveTypeName.INT64).named("init_seed")
            .required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("spec")
            .required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("host")
            .required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("device")
            .required(PrimitiveTypeName.INT32).named("attempt")
            .required(PrimitiveTypeName.INT64).as(millisUtc()).named("start_time")
            .required(PrimitiveTypeName.INT64).as(millisUtc()).named("end_time")
            .required(PrimitiveTypeName.DOUBLE).named("wall_seconds")
            .optional(PrimitiveTypeName.DOUBLE).named("final_train_error")
            .optional(PrimitiveTypeName.DOUBLE).named("final_test_error")
            .optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("error")
            // Appended later: optional, so rows written before them read back as unknown (null).
            .optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(IMPLEMENTATION)
            .optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(DATA_FINGERPRINT)
            .named("trial");

    /** Group names become column names, so they are kept to what every SQL engine accepts unquoted. */
    private static final Pattern GROUP_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");

    /** Metric columns before the per-group ones. */
    private static final List<String> LEADING_METRICS =
            List.of("lr", "wd", "train_loss", "train_error", "test_loss", "test_error", "norm", "effective_lr");
    /** The same at a record point inside an epoch: no train loss or error there (part of a pass only). */
    private static final List<String> LEADING_STEP_METRICS =
            List.of("lr", "wd", "test_loss", "test_error", "norm", "effective_lr");

    private ParquetSchemas() {
    }

    /**
     * One row per epoch: {@code trial}, {@code epoch}, {@code step} (the epoch's last step), the scalar metrics, then
     * {@code norm_<group>} and {@code effective_lr_<group>} per weight group in the given order, then the timings.
     *
     * @param groups the weight groups' names, e.g. {@code conv1, conv2, fc1}; letters, digits and {@code _}
     */
    public static MessageType metrics(List<String> groups) {
        return metrics("metrics", LEADING_METRICS, groups, List.of("train_seconds", "eval_seconds"));
    }

    /**
     * {@code step_metrics}: one row per record point inside an epoch ({@code RecordSteps}), what a mixing clock reads
     * there: {@code trial}, {@code epoch} (in progress), {@code step}, {@code lr}, {@code wd}, the test loss and
     * error of the point's predictions, the norms and effective learning rates, and the evaluation's time. A table of
     * its own so that {@code metrics} keeps one row per epoch, which every per-epoch query and chart relies on.
     */
    public static MessageType stepMetrics(List<String> groups) {
        return metrics("step_metrics", LEADING_STEP_METRICS, groups, List.of("eval_seconds"));
    }

    private static MessageType metrics(String name, List<String> leading, List<String> groups, List<String> trailing) {
        Objects.requireNonNull(groups, "groups");
        Set<String> seen = new HashSet<>();
        for (String group : groups) {
            if (group == null || !GROUP_NAME.matcher(group).matches()) {
                throw new IllegalArgumentException("weight group name \"" + group
                        + "\" is not a valid column suffix (a letter, then letters, digits or _)");
            }
            if (!seen.add(group)) {
                throw new IllegalArgumentException("weight group \"" + group + "\" appears twice in " + groups);
            }
        }
        Types.GroupBuilder<MessageType> builder = Types.buildMessage()
                .required(PrimitiveTypeName.INT32).named("trial")
                .required(PrimitiveTypeName.INT32).named("epoch")
                .required(PrimitiveTypeName.INT64).named(STEP);
        for (String column : leading) {
            builder.required(PrimitiveTypeName.DOUBLE).named(column);
        }
        for (String group : groups) {
            builder.required(PrimitiveTypeName.DOUBLE).named(normColumn(group))
                    .required(PrimitiveTypeName.DOUBLE).named(effectiveLrColumn(group));
        }
        for (String column : trailing) {
            builder.required(PrimitiveTypeName.DOUBLE).named(column);
        }
        return builder.named(name);
    }

    /** The column of a group's weight norm. */
    public static String normColumn(String group) {
        return "norm_" + group;
    }

    /** The column of a group's effective learning rate. */
    public static String effectiveLrColumn(String group) {
        return "effective_lr_" + group;
    }

    /** Milliseconds since the epoch, UTC-adjusted: Spark reads a TimestampType, DuckDB a TIMESTAMP WITH TIME ZONE. */
    private static LogicalTypeAnnotation millisUtc() {
        return LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MILLIS);
    }
}
