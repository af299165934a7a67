/**
 * One trial: the unit of work, failure and retry. {@link io.mixfarm.core.trial.TrialRunner} trains a
 * {@link io.mixfarm.core.trial.TrialSpec} and returns a {@link io.mixfarm.core.trial.TrialResult}.
 */
package io.mixfarm.core.trial;
