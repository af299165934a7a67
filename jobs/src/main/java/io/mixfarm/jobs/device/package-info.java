/**
 * Which device a trial runs on and with how many OpenMP threads: a task's GPU from the resources Spark assigned it,
 * else the CPU with the threads its JVM started with. Used by the farm's tasks and by {@code trial}.
 */
package io.mixfarm.jobs.device;
