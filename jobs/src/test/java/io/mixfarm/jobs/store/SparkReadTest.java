package io.mixfarm.jobs.store;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What Spark SQL sees of an experiment folder: the reader the analysis job uses. */
class SparkReadTest {

    @TempDir
    static Path dir;

    private static SparkSession spark;
    private static String out;

    @BeforeAll
    static void writeAndStartSpark() throws Exception {
        out = dir.resolve("out").toString();
        ExperimentStore store = new ExperimentStore(out, new Configuration());
        for (int trial : List.of(7, 8)) {
            store.writeTrial("Const", trial, Fixtures.result("Const", trial), Fixtures.labels(),
                    Fixtures.succeeded("Const", trial, "host-a"), Fixtures.PROVENANCE);
        }
        store.writeFailure(Fixtures.failed("WD-decay", 1, "boom"), Fixtures.PROVENANCE);
        // A crashed attempt's complete temp file: Spark must skip it.
        Path schedule = dir.resolve("out/predictions/schedule=Const");
        Files.copy(schedule.resolve("trial-00007.parquet"), schedule.resolve(".trial-00009.parquet.crashed.tmp"));

        spark = SparkSession.builder().appName("SparkReadTest").master("local[1]")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "1")
                .getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
    }

    @AfterAll
    static void stopSpark() {
        if (spark != null) {
            spark.stop();
        }
    }

    @Test
    void predictionsAreBytesWithPartitionColumns() {
        Dataset<Row> predictions = spark.read().parquet(out + "/predictions");
        assertEquals(Map.of("trial", DataTypes.IntegerType, "image", DataTypes.IntegerType,
                "predicted", DataTypes.ByteType, "label", DataTypes.ByteType,
                "schedule", DataTypes.StringType, "epoch", DataTypes.IntegerType, "step", DataTypes.LongType),
                types(predictions));
        assertEquals(2L * Fixtures.RECORD_EPOCHS.size() * Fixtures.IMAGES, predictions.count());
        Row row = predictions.where("trial = 8 AND epoch = 4 AND image = 13").first();
        assertEquals((byte) Fixtures.predicted(8, 4, 13), row.<Byte>getAs("predicted"));
        assertEquals((byte) 3, row.<Byte>getAs("label"));
        assertEquals("Const", row.getAs("schedule"));
    }

    @Test
    void trialsHaveTimestamps() {
        Dataset<Row> trials = spark.read().parquet(out + "/trials");
        Map<String, DataType> types = types(trials);
        assertEquals(DataTypes.TimestampType, types.get("start_time"));
        assertEquals(DataTypes.TimestampType, types.get("end_time"));
        assertEquals(DataTypes.StringType, types.get("status"));
        assertEquals(DataTypes.LongType, types.get("seed"));
        assertEquals(3L, trials.count());
        Row row = trials.where("schedule = 'Const' AND trial = 7").first();
        assertEquals(Fixtures.START, row.getTimestamp(row.fieldIndex("start_time")).getTime());
        assertEquals(1L, trials.where("status = 'failed' AND schedule = 'WD-decay' AND error = 'boom'"
                + " AND final_test_error IS NULL").count());
    }

    @Test
    void metricsHaveOneRowPerEpoch() {
        Dataset<Row> metrics = spark.read().parquet(out + "/metrics");
        assertEquals(DataTypes.DoubleType, types(metrics).get("effective_lr_conv1"));
        assertEquals(2L * Fixtures.EPOCHS, metrics.count());
    }

    private static Map<String, DataType> types(Dataset<Row> data) {
        Map<String, DataType> types = new LinkedHashMap<>();
        for (StructField field : data.schema().fields()) {
            types.put(field.name(), field.dataType());
        }
        return types;
    }
}
