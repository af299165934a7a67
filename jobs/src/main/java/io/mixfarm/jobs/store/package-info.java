/**
 * The durable output of an experiment folder: per-trial Parquet files written from Spark executors with the
 * plain Parquet API over Hadoop's {@code FileSystem} (local path, HDFS or S3), readable by Spark SQL and DuckDB.
 *
 * <p>Layout under the output folder, Hive-partitioned:
 * <pre>
 * predictions/schedule=S/trial-00007.parquet   one row per record epoch and test image, sorted by (epoch, image),
 *                                              one row group per record epoch
 * metrics/schedule=S/trial-00007.parquet       one row per epoch
 * trials/schedule=S/trial-00007.parquet        one row per finished trial, written last
 * experiment.json                              the manifest
 * </pre>
 * Three files per trial whatever its record epochs. Folders written before the per-trial predictions file
 * ({@code predictions/schedule=S/epoch=E/trial-00007.parquet}, epoch only in the folder name) stay readable.
 * A trial is complete iff its {@code trials} row says {@code succeeded}. Every file appears under its final name
 * only when complete (temp file plus rename); see {@link io.mixfarm.jobs.store.ExperimentStore} for the rules
 * that make rewriting a trial harmless. Datasets that a job writes as a whole and its next run replaces as a whole
 * (the TV job's tables) go through {@link io.mixfarm.jobs.store.StagedDataset}: a hidden folder swapped in when
 * complete. No Spark API is used here.
 */
package io.mixfarm.jobs.store;
