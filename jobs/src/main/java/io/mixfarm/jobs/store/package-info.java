/**
 * The durable output of an experiment folder: per-trial Parquet files written from Spark executors with the
 * plain Parquet API over Hadoop's {@code FileSystem} (local path, HDFS or S3), readable by Spark SQL and DuckDB.
 *
 * <p>Layout under the output folder, Hive-partitioned:
 * <pre>
 * predictions/schedule=S/epoch=E/trial-00007.parquet   one row per test image, sorted by image
 * metrics/schedule=S/trial-00007.parquet               one row per epoch
 * trials/schedule=S/trial-00007.parquet                one row per finished trial, written last
 * experiment.json                                      the manifest
 * </pre>
 * A trial is complete iff its {@code trials} row says {@code succeeded}. Every file appears under its final name
 * only when complete (temp file plus rename); see {@link io.mixfarm.jobs.store.ExperimentStore} for the rules
 * that make rewriting a trial harmless. No Spark API is used here.
 */
package io.mixfarm.jobs.store;
