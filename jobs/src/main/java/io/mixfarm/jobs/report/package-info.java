/** The report job: charts and a static {@code report.html} from an experiment's Parquet outputs. */
package io.mixfarm.jobs.report;
