/**
 * The trial farm on Spark: {@link io.mixfarm.jobs.farm.FarmJob} plans an experiment, skips complete trials and runs
 * the rest as one task per trial; tasks write their outputs durably through {@code io.mixfarm.jobs.store}.
 */
package io.mixfarm.jobs.farm;
