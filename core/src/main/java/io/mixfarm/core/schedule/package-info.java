/**
 * Learning-rate and weight-decay schedules: pure, piecewise-constant functions of the epoch.
 *
 * <p>A {@link io.mixfarm.core.schedule.Schedule} is a list of
 * {@link io.mixfarm.core.schedule.Phase}s, each setting the learning rate eta and weight decay
 * lambda from its first epoch (1-based) on; eta * lambda is the intrinsic learning rate of
 * Li, Lyu &amp; Arora (2020). {@link io.mixfarm.core.schedule.Schedules} builds the paper's
 * named schedules ({@code Const}, {@code LR-decay}, {@code WD-decay}) for any run length.
 *
 * <p>Compact text form, read by {@code Schedule.parse} and written by {@code Schedule.toText}:
 * <pre>
 * schedule := phase (";" phase)* [";"]
 * phase    := EPOCH ":" setting ([","] setting)*
 * setting  := ("lr" | "wd" | "momentum") "=" NUMBER
 * </pre>
 * Whitespace is free around every token. {@code EPOCH} is a decimal 1-based epoch: the first
 * phase starts at 1 and they strictly increase. {@code NUMBER} is Java double syntax
 * ({@code 0.1}, {@code 1e-3}), finite and {@code >= 0} (momentum below 1). Keys are
 * case-insensitive. The first phase sets lr and wd (momentum defaults to 0, plain SGD); a later
 * phase may omit any key to keep the previous value:
 * <pre>1: lr=0.4 wd=0.1; 41: lr=0.2; 81: lr=0.1; 121: lr=0.01 wd=0</pre>
 * Errors are {@link java.lang.IllegalArgumentException}s with a one-line message that names
 * the schedule, the phase and what was expected.
 */
package io.mixfarm.core.schedule;
