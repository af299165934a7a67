package io.mixfarm.jobs.tv;

import io.mixfarm.analysis.tv.Design;
import io.mixfarm.analysis.tv.TvSummaryRow;
import io.mixfarm.jobs.tv.TvTable.Column;
import io.mixfarm.jobs.tv.TvTable.Type;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Freezes the TV job's output formats: any change to a column's name, type, order or nullability, or to the CSV's
 * layout, fails here first, because tables written by earlier versions, the report, the SQL views and users'
 * scripts depend on them. {@link TvOutputsTest} checks that the files of a real run have these schemas.
 */
class TvTablesTest {

    static final String SUMMARY_SCHEMA = """
            message tv_summary {
              required int32 epoch;
              required binary a (STRING);
              required binary b (STRING);
              required int32 n;
              required int32 trials_a;
              required int32 trials_b;
              required double tv;
              required double tv_random_mean;
              required double tv_random_sd;
              required double baseline;
              required double null_mean;
              required double null_sd;
              required double p_value;
              required double corrected_tv;
              required double ci_low;
              required double ci_high;
              required boolean all_trials;
              required double p_holm;
              required int32 diverged_a;
              required int32 diverged_b;
              required binary design (STRING);
            }
            """;

    static final String BY_IMAGE_SCHEMA = """
            message tv_by_image {
              required int32 epoch;
              required binary a (STRING);
              required binary b (STRING);
              required int32 image;
              required double tv;
              required int32 trials_a;
              required int32 trials_b;
              required group counts_a (LIST) {
                repeated group list {
                  required int32 element;
                }
              }
              required group counts_b (LIST) {
                repeated group list {
                  required int32 element;
                }
              }
            }
            """;

    @Test
    void theSummarySchemaIsFrozen() {
        assertEquals(SUMMARY_SCHEMA, TvTables.SUMMARY.schema().toString());
    }

    @Test
    void theByImageSchemaIsFrozen() {
        assertEquals(BY_IMAGE_SCHEMA, TvTables.BY_IMAGE.schema().toString());
    }

    /** The provenance as {@code #} lines, each entry one line however many lines its value has, then the table. */
    @Test
    void theCsvLayoutIsFrozen() {
        Map<String, String> provenance = new LinkedHashMap<>();
        provenance.put("mixfarm.version", "0.1.0");
        provenance.put("mixfarm.config", "name = tiny\nnote = \"a\\\\b\"");
        provenance.put("mixfarm.tv.permutations", "200");
        TvSummaryRow curve = new TvSummaryRow(120, "Const", "LR-decay", 2, 500, 498, 0.25, 0.26, 0.01, 0.4, 0.1,
                0.02, 0.005, 0.15, Double.NaN, Double.NaN, false, Double.NaN, 0, 2);
        TvSummaryRow all = new TvSummaryRow(120, "Const", "LR-decay", 498, 500, 498, 0.125, Double.NaN, Double.NaN,
                0.4, 0.0625, 0.001, 0.5, 0.0625, 0.03125, 0.25, true, 1.0, 0, 2, Design.PAIRED);
        assertEquals("""
                # mixfarm.version=0.1.0
                # mixfarm.config=name = tiny\\nnote = "a\\\\\\\\b"
                # mixfarm.tv.permutations=200
                epoch,a,b,n,trials_a,trials_b,tv,tv_random_mean,tv_random_sd,baseline,null_mean,null_sd,p_value,\
                corrected_tv,ci_low,ci_high,all_trials,p_holm,diverged_a,diverged_b,design
                120,Const,LR-decay,2,500,498,0.25,0.26,0.01,0.4,0.1,0.02,0.005,0.15,,,false,,0,2,unpaired
                120,Const,LR-decay,498,500,498,0.125,,,0.4,0.0625,0.001,0.5,0.0625,0.03125,0.25,true,1.0,0,2,paired
                """, new String(TvTables.csv(List.of(curve, all), provenance), StandardCharsets.UTF_8));
    }

    @Test
    void aTableWhoseRowRecordIsNotItsColumnsIsRefusedWhenDefined() {
        record Row2(int epoch, String b) {
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new TvTable<>("t", Row2.class,
                List.of(Column.of("epoch", Type.INT, Row2::epoch), Column.of("a", Type.STRING, Row2::b))));
        assertEquals("the columns of t [epoch int, a String] are not the components of " + Row2.class.getName()
                + " [epoch int, b String]", e.getMessage());
    }

    /**
     * A summary of an earlier version: without the diverged counts it reads as none diverged, without the design as
     * unpaired; without a column that has no such reading, it is named, for the one-line request to run the TV job
     * again. A design as stored reads back as its constant.
     */
    @Test
    void aSummaryWithoutTheNewerColumnsReadsWithTheirOlderValueOrNamesTheFirstMissing() {
        StructType older = new StructType();
        List<String> columns = TvTables.SUMMARY.columnNames().subList(0, 18);
        for (String name : columns) {
            older = older.add(name, switch (name) {
                case "a", "b" -> DataTypes.StringType;
                case "epoch", "n", "trials_a", "trials_b" -> DataTypes.IntegerType;
                case "all_trials" -> DataTypes.BooleanType;
                default -> DataTypes.DoubleType;
            });
        }
        Row row = new GenericRowWithSchema(new Object[] {8, "Const", "LR-decay", 3, 3, 2, 0.5, 0.5, 0.0, 0.3, 0.2,
                0.05, 0.04, 0.3, 0.1, 0.7, true, 0.04}, older);
        assertNull(TvTables.SUMMARY.firstMissing(columns));
        assertEquals(new TvSummaryRow(8, "Const", "LR-decay", 3, 3, 2, 0.5, 0.5, 0.0, 0.3, 0.2, 0.05, 0.04, 0.3, 0.1,
                0.7, true, 0.04, 0, 0), TvTables.SUMMARY.read(row));
        assertEquals("all_trials", TvTables.SUMMARY.firstMissing(TvTables.SUMMARY.columnNames().subList(0, 16)));

        StructType current = older.add("diverged_a", DataTypes.IntegerType).add("diverged_b", DataTypes.IntegerType)
                .add("design", DataTypes.StringType);
        Row paired = new GenericRowWithSchema(new Object[] {8, "Const", "LR-decay", 3, 3, 3, 0.5, 0.5, 0.0, 0.3, 0.2,
                0.05, 0.04, 0.3, 0.1, 0.7, true, 0.04, 1, 0, "paired"}, current);
        assertEquals(new TvSummaryRow(8, "Const", "LR-decay", 3, 3, 3, 0.5, 0.5, 0.0, 0.3, 0.2, 0.05, 0.04, 0.3, 0.1,
                0.7, true, 0.04, 1, 0, Design.PAIRED), TvTables.SUMMARY.read(paired));
    }
}
