package io.mixfarm.jobs.farm;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** DuckDB over an output folder: the independent reader the farm's outputs must satisfy. */
public final class Duck {

    private Duck() {
    }

    /** {@code read_parquet} over one dataset of the folder, Hive partitions on. */
    public static String table(Path out, String dataset) {
        return "read_parquet('" + out.resolve(dataset) + "/**/*.parquet', hive_partitioning=true)";
    }

    /** Runs a query and returns its rows, each as a list of column values rendered as strings. */
    public static List<List<String>> query(String sql) {
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
             Statement statement = db.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            int columns = rows.getMetaData().getColumnCount();
            List<List<String>> result = new ArrayList<>();
            while (rows.next()) {
                List<String> row = new ArrayList<>(columns);
                for (int c = 1; c <= columns; c++) {
                    row.add(rows.getString(c));
                }
                result.add(row);
            }
            return result;
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** A query's single numeric value. */
    public static long count(String sql) {
        return Long.parseLong(query(sql).get(0).get(0));
    }

    /** A query's first value as a double, exactly as DuckDB computed it (0 for NULL). */
    public static double scalar(String sql) {
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
             Statement statement = db.createStatement();
             ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getDouble(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
