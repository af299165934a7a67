/** The {@code mixfarm} command line (picocli): argument checking and printing, no training logic. */
package io.mixfarm.jobs.cli;
