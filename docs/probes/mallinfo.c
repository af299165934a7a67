/*
 * What glibc's malloc holds inside a running JVM, sampled from within it (docs/performance.md, "The sample mixing
 * study", "Memory"): preloaded into a process, it starts a thread (only in a process named java) that every
 * MALLINFO_INTERVAL seconds (default 3) appends one line to MALLINFO_FILE (%p: the process id):
 *
 *   unix_seconds rss_kb in_use_kb free_kb mmapped_kb arenas
 *
 * in_use: bytes handed out by malloc and not yet freed (ND4J's arrays, oneDNN's kernels, the JVM's own mallocs);
 * free: bytes malloc holds from the kernel but has no use for (what a trim threshold keeps); mmapped: blocks above the
 * mmap threshold, which free() unmaps; arenas: malloc's arenas (one per thread until the cap, 8 per core by default).
 * rss - in_use - free - mmapped is roughly the Java heap, code and libraries.
 *
 *   gcc -O2 -shared -fPIC -pthread -o /tmp/mallinfo.so docs/probes/mallinfo.c
 *   MALLINFO_FILE=/tmp/mallinfo.%p LD_PRELOAD=/tmp/mallinfo.so ./submit/mixfarm run ...
 */
#define _GNU_SOURCE
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char path[4096];
static unsigned interval = 3;

/* Arenas: malloc_info's XML has one <heap nr="..."> element per arena. */
static int arenas(void) {
  char *xml = NULL;
  size_t size = 0;
  FILE *f = open_memstream(&xml, &size);
  if (f == NULL) return -1;
  malloc_info(0, f);
  fclose(f);
  int n = 0;
  for (char *p = xml; (p = strstr(p, "<heap nr=")) != NULL; p++) n++;
  free(xml);
  return n;
}

static long rss_kb(void) {
  long pages_total = 0, pages_resident = 0;
  FILE *f = fopen("/proc/self/statm", "r");
  if (f == NULL) return -1;
  if (fscanf(f, "%ld %ld", &pages_total, &pages_resident) != 2) pages_resident = -1;
  fclose(f);
  return pages_resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static void *sample(void *unused) {
  (void) unused;
  for (;;) {
    sleep(interval);
    struct mallinfo2 m = mallinfo2();
    FILE *out = fopen(path, "a");
    if (out == NULL) return NULL;
    fprintf(out, "%ld %ld %zu %zu %zu %d\n", (long) time(NULL), rss_kb(), m.uordblks / 1024, m.fordblks / 1024,
            m.hblkhd / 1024, arenas());
    fclose(out);
  }
  return NULL;
}

__attribute__((constructor)) static void start(void) {
  char comm[64] = "";
  FILE *f = fopen("/proc/self/comm", "r");
  if (f == NULL) return;
  if (fgets(comm, sizeof comm, f) == NULL) comm[0] = 0;
  fclose(f);
  const char *file = getenv("MALLINFO_FILE");
  if (strcmp(comm, "java\n") != 0 || file == NULL) return;
  const char *every = getenv("MALLINFO_INTERVAL");
  if (every != NULL && atoi(every) > 0) interval = (unsigned) atoi(every);
  /* %p in the file name: this process's id. */
  const char *p = strstr(file, "%p");
  if (p == NULL) {
    snprintf(path, sizeof path, "%s", file);
  } else {
    snprintf(path, sizeof path, "%.*s%d%s", (int) (p - file), file, (int) getpid(), p + 2);
  }
  pthread_t thread;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_create(&thread, &attr, sample, NULL);
  pthread_attr_destroy(&attr);
}
