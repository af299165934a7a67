/** The TV job: function-space distances between schedules, from the farm's Parquet predictions. */
package io.mixfarm.jobs.tv;
