/*
 * A neighbour for one core, to see what a trial on the other core loses to it (docs/performance.md,
 * "What a busy neighbour costs"). Modes: int (a scalar integer loop, touches no memory), fma (eight
 * independent AVX-512 FMA chains in registers: this core's real fp32 FMA throughput), stream (copies
 * between two 256 MB buffers: memory bandwidth), l3 (the same with 8 MB buffers). Prints iterations per
 * second; an fma iteration is 1e8 x 8 FMAs of 16 lanes, i.e. 25.6 GFLOP.
 *
 *   gcc -O2 -mavx512f -o spin docs/probes/spin.c && ./spin fma 5
 */
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double seconds_since(const struct timespec *t0) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) * 1e-9;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: spin int|fma|stream|l3 SECONDS\n");
    return 2;
  }
  const char *mode = argv[1];
  double secs = atof(argv[2]);
  size_t n = strcmp(mode, "l3") == 0 ? (8u << 20) : (256u << 20);
  char *a = NULL, *b = NULL;
  if (!strcmp(mode, "stream") || !strcmp(mode, "l3")) {
    a = malloc(n);
    b = malloc(n);
    memset(a, 1, n);
    memset(b, 2, n);
  }
  /* Eight named accumulators with different values: gcc -O2 keeps an array of them in memory, and merges
   * chains that start equal into one. */
  __m512 x0 = _mm512_set1_ps(1.0001f), x1 = _mm512_set1_ps(1.0002f), x2 = _mm512_set1_ps(1.0003f),
         x3 = _mm512_set1_ps(1.0004f), x4 = _mm512_set1_ps(1.0005f), x5 = _mm512_set1_ps(1.0006f),
         x6 = _mm512_set1_ps(1.0007f), x7 = _mm512_set1_ps(1.0008f);
  __m512 m = _mm512_set1_ps(0.99999f), c = _mm512_set1_ps(1e-6f);
  long iters = 0;
  volatile long sink = 0;
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  do {
    if (!strcmp(mode, "int")) {
      long s = 0;
      for (long i = 0; i < 100000000; i++) s += i ^ (s >> 3);
      sink += s;
    } else if (!strcmp(mode, "fma")) {
      for (long i = 0; i < 100000000; i++) {
        x0 = _mm512_fmadd_ps(x0, m, c);
        x1 = _mm512_fmadd_ps(x1, m, c);
        x2 = _mm512_fmadd_ps(x2, m, c);
        x3 = _mm512_fmadd_ps(x3, m, c);
        x4 = _mm512_fmadd_ps(x4, m, c);
        x5 = _mm512_fmadd_ps(x5, m, c);
        x6 = _mm512_fmadd_ps(x6, m, c);
        x7 = _mm512_fmadd_ps(x7, m, c);
      }
    } else {
      for (int r = 0; r < (n < (1u << 24) ? 64 : 2); r++) {
        memcpy(b, a, n);
        memcpy(a, b, n);
      }
    }
    iters++;
  } while (seconds_since(&t0) < secs);
  float out[16];
  _mm512_storeu_ps(out, _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(x0, x1), _mm512_add_ps(x2, x3)),
                                      _mm512_add_ps(_mm512_add_ps(x4, x5), _mm512_add_ps(x6, x7))));
  printf("%s iterations_per_s=%.3f (%g %ld)\n", mode, iters / seconds_since(&t0), out[0], (long) sink);
  return 0;
}
