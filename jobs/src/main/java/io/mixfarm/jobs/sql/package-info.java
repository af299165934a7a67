/** Read-only Spark SQL over an experiment's output folder ({@code mixfarm sql}). */
package io.mixfarm.jobs.sql;
