/** The JVM-wide ND4J/DL4J settings every trial depends on: oneDNN helpers, native build, threads. */
package io.mixfarm.core.runtime;
