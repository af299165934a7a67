/**
 * Experiment configs: HOCON files bound to the {@link io.mixfarm.jobs.config.ExperimentConfig} record, and the
 * trials an experiment plans.
 *
 * <p>Layering, last wins: {@code defaults.conf} in this package (every key, each with a one-sentence comment),
 * the experiment file ({@code conf/*.conf}, overrides only), then {@code key=value} overrides. Unknown keys,
 * wrong types and bad values fail with one {@link io.mixfarm.jobs.config.ConfigException} line naming the file
 * and the key. {@link io.mixfarm.jobs.config.ExperimentConfig#render()} gives the fully resolved config in a
 * canonical form whose SHA-256 is the config's {@linkplain io.mixfarm.jobs.config.ExperimentConfig#hash() hash}.
 *
 * <p>An experiment's trials are keyed by {@link io.mixfarm.jobs.config.TrialKey} (schedule, trial index) and
 * their seeds derived by {@link io.mixfarm.jobs.config.Seeds} from the experiment seed, the schedule name and the
 * trial index alone, so a trial's spec does not depend on which other trials run. No Spark here.
 */
package io.mixfarm.jobs.config;
