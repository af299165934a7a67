package io.mixfarm.jobs.store;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Freezes the Parquet format: any change to a column's name, type, order or nullability fails here first, because
 * outputs written by earlier versions (and the analysis job reading them) depend on it.
 */
class ParquetSchemasTest {

    @Test
    void predictionsSchemaIsFrozen() {
        assertEquals("""
                message prediction {
                  required int32 trial;
                  required int32 epoch;
                  required int64 step;
                  required int32 image;
                  required int32 predicted (INTEGER(8,true));
                  required int32 label (INTEGER(8,true));
                }
                """, ParquetSchemas.PREDICTIONS.toString());
    }

    @Test
    void metricsSchemaIsFrozen() {
        assertEquals("""
                message metrics {
                  required int32 trial;
                  required int32 epoch;
                  required int64 step;
                  required double lr;
                  required double wd;
                  required double train_loss;
                  required double train_error;
                  required double test_loss;
                  required double test_error;
                  required double norm;
                  required double effective_lr;
                  required double norm_conv1;
                  required double effective_lr_conv1;
                  required double norm_conv2;
                  required double effective_lr_conv2;
                  required double norm_fc1;
                  required double effective_lr_fc1;
                  required double train_seconds;
                  required double eval_seconds;
                }
                """, ParquetSchemas.metrics(List.of("conv1", "conv2", "fc1")).toString());
    }

    @Test
    void stepMetricsSchemaIsFrozen() {
        assertEquals("""
                message step_metrics {
                  required int32 trial;
                  required int32 epoch;
                  required int64 step;
                  required double lr;
                  required double wd;
                  required double test_loss;
                  required double test_error;
                  required double norm;
                  required double effective_lr;
                  required double norm_conv1;
                  required double effective_lr_conv1;
                  required double norm_fc1;
                  required double effective_lr_fc1;
                  required double eval_seconds;
                }
                """, ParquetSchemas.stepMetrics(List.of("conv1", "fc1")).toString());
        assertThrows(IllegalArgumentException.class, () -> ParquetSchemas.stepMetrics(List.of("fc1", "fc1")));
    }

    @Test
    void trialsSchemaIsFrozen() {
        assertEquals("""
                message trial {
                  required int32 trial;
                  required binary status (STRING);
                  required int64 seed;
                  required int64 init_seed;
                  required binary spec (STRING);
                  required binary host (STRING);
                  required binary device (STRING);
                  required int32 attempt;
                  required int64 start_time (TIMESTAMP(MILLIS,true));
                  required int64 end_time (TIMESTAMP(MILLIS,true));
                  required double wall_seconds;
                  optional double final_train_error;
                  optional double final_test_error;
                  optional binary error (STRING);
                  optional binary implementation (STRING);
                  optional binary data_fingerprint (STRING);
                }
                """, ParquetSchemas.TRIALS.toString());
    }

    @Test
    void groupNamesMustBeColumnSuffixes() {
        assertThrows(IllegalArgumentException.class, () -> ParquetSchemas.metrics(List.of("conv 1")));
        assertThrows(IllegalArgumentException.class, () -> ParquetSchemas.metrics(List.of("1conv")));
        assertThrows(IllegalArgumentException.class, () -> ParquetSchemas.metrics(List.of("fc1", "fc1")));
    }
}
