package io.mixfarm.jobs.mixing;

import io.mixfarm.analysis.mixing.MixingSummaryRow;
import io.mixfarm.analysis.tv.Design;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Freezes the mixing job's output formats, as TvTablesTest freezes the TV job's: a change to a column's name, type,
 * order or nullability fails here first, on purpose or not at all.
 */
class MixingTablesTest {

    static final String SUMMARY_SCHEMA = """
            message mixing_summary {
              required double lambda_e;
              required binary design (STRING);
              required int32 pairs;
              required double tmix;
              required double tmix_low;
              required double tmix_high;
              required double tmix_settled;
              required double norm_clock;
              required double norm_clock_low;
              required double norm_clock_high;
              required double norm_clock_settled;
              required double rate_measured;
              required double rate_low;
              required double rate_high;
              required double rate_predicted;
              required double equilibrium_tv;
              required double equilibrium_floor;
              required double equilibrium_p;
            }
            """;

    static final String LAWS_SCHEMA = """
            message mixing_laws {
              required binary clock (STRING);
              required double intercept;
              required double slope;
              required double slope_low;
              required double slope_high;
              required int32 points;
              required int32 resamples;
              required int32 dropped;
            }
            """;

    @Test
    void theSummarySchemaIsFrozen() {
        assertEquals(SUMMARY_SCHEMA, MixingTables.SUMMARY.schema().toString());
    }

    @Test
    void theLawsSchemaIsFrozen() {
        assertEquals(LAWS_SCHEMA, MixingTables.LAWS.schema().toString());
    }

    /**
     * A summary written before the settled shares and the equilibrium check reads them as NaN (so the report still
     * draws an older study), and keeps an older interval's infinite end as written.
     */
    @Test
    void aSummaryWithoutTheNewerColumnsReadsThemAsNaN() {
        List<String> older = List.of("lambda_e", "design", "pairs", "tmix", "tmix_low", "tmix_high", "norm_clock",
                "norm_clock_low", "norm_clock_high", "rate_measured", "rate_low", "rate_high", "rate_predicted");
        StructType schema = new StructType();
        for (String name : older) {
            schema = schema.add(name, switch (name) {
                case "design" -> DataTypes.StringType;
                case "pairs" -> DataTypes.IntegerType;
                default -> DataTypes.DoubleType;
            });
        }
        assertNull(MixingTables.SUMMARY.firstMissing(older));
        Row row = new GenericRowWithSchema(new Object[] {0.04, "paired", 20, 120.0, 80.0, Double.POSITIVE_INFINITY,
                90.0, 70.0, 110.0, 0.17, 0.15, 0.19, 0.16}, schema);
        assertEquals(new MixingSummaryRow(0.04, Design.PAIRED, 20, 120.0, 80.0, Double.POSITIVE_INFINITY, 90.0, 70.0,
                110.0, 0.17, 0.15, 0.19, 0.16), MixingTables.SUMMARY.read(row));
    }
}
