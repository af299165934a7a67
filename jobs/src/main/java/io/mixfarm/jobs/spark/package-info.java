/** Spark set-up shared by the farm and the analysis jobs: Kryo for mixfarm's records. */
package io.mixfarm.jobs.spark;
