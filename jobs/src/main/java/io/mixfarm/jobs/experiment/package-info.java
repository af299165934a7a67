/**
 * An experiment's output folder as a whole, the one place every command starts from: which experiment it holds
 * ({@code experiment.json}: the recorded config and its identity hash), whether a config may run into it, the record
 * of each run, the provenance and build info written into every file, and the one-line
 * {@link io.mixfarm.jobs.experiment.ExperimentException}. The files inside the folder are {@code jobs.store}'s.
 */
package io.mixfarm.jobs.experiment;
