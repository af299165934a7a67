package io.mixfarm.jobs.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** DuckDB as an independent Parquet reader: what a user's notebook would see of an experiment folder. */
final class DuckDb {

    private DuckDb() {
    }

    /** Every row of a query, each as column label to value, in order. */
    static List<Map<String, Object>> rows(String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            ResultSetMetaData meta = result.getMetaData();
            List<Map<String, Object>> rows = new ArrayList<>();
            while (result.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int c = 1; c <= meta.getColumnCount(); c++) {
                    row.put(meta.getColumnLabel(c), result.getObject(c));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    /** The single value of a one-row, one-column query. */
    static Object value(String sql) throws SQLException {
        List<Map<String, Object>> rows = rows(sql);
        if (rows.size() != 1 || rows.get(0).size() != 1) {
            throw new IllegalStateException("expected one value from " + sql + ", got " + rows);
        }
        return rows.get(0).values().iterator().next();
    }

    /** Column name to DuckDB type of a relation, e.g. a {@code read_parquet(...)} call. */
    static Map<String, String> describe(String relation) throws SQLException {
        Map<String, String> types = new LinkedHashMap<>();
        for (Map<String, Object> row : rows("DESCRIBE SELECT * FROM " + relation)) {
            types.put((String) row.get("column_name"), (String) row.get("column_type"));
        }
        return types;
    }

    /** A Hive-partitioned glob over one dataset of an experiment folder. */
    static String dataset(String output, String dataset) {
        return "read_parquet('" + output + "/" + dataset + "/**/*.parquet', hive_partitioning=true)";
    }

    /** The key-value metadata of one Parquet file's footer. */
    static Map<String, String> keyValueMetadata(String file) throws SQLException {
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map<String, Object> row : rows("SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata('"
                + file + "')")) {
            metadata.put((String) row.get("k"), (String) row.get("v"));
        }
        return metadata;
    }
}
