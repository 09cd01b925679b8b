// Sorting: a hand-written quicksort (median of three, insertion sort for
// short runs), a bottom-up merge sort and a heap sort on the same data,
// each verified sorted.
#include <string.h>

#include "bench_util.h"

static void InsertionSort(uint32_t* a, long lo, long hi) {
  for (long i = lo + 1; i <= hi; ++i) {
    uint32_t v = a[i];
    long j = i - 1;
    while (j >= lo && a[j] > v) {
      a[j + 1] = a[j];
      --j;
    }
    a[j + 1] = v;
  }
}

static void QuickSort(uint32_t* a, long lo, long hi) {
  while (hi - lo > 16) {
    long mid = lo + (hi - lo) / 2;
    uint32_t x = a[lo], y = a[mid], z = a[hi];
    uint32_t pivot =
        x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
    long i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot) ++i;
      while (a[j] > pivot) --j;
      if (i <= j) {
        uint32_t t = a[i];
        a[i] = a[j];
        a[j] = t;
        ++i;
        --j;
      }
    }
    // Recurse into the smaller half, loop on the larger.
    if (j - lo < hi - i) {
      QuickSort(a, lo, j);
      lo = i;
    } else {
      QuickSort(a, i, hi);
      hi = j;
    }
  }
  InsertionSort(a, lo, hi);
}

static void MergeSort(uint32_t* a, uint32_t* tmp, long n) {
  for (long width = 1; width < n; width *= 2) {
    for (long lo = 0; lo < n; lo += 2 * width) {
      long mid = lo + width < n ? lo + width : n;
      long hi = lo + 2 * width < n ? lo + 2 * width : n;
      long i = lo, j = mid, k = lo;
      while (i < mid && j < hi) tmp[k++] = a[i] <= a[j] ? a[i++] : a[j++];
      while (i < mid) tmp[k++] = a[i++];
      while (j < hi) tmp[k++] = a[j++];
    }
    memcpy(a, tmp, sizeof(uint32_t) * n);
  }
}

static void SiftDown(uint32_t* a, long root, long n) {
  for (;;) {
    long child = 2 * root + 1;
    if (child >= n) return;
    if (child + 1 < n && a[child + 1] > a[child]) ++child;
    if (a[root] >= a[child]) return;
    uint32_t t = a[root];
    a[root] = a[child];
    a[child] = t;
    root = child;
  }
}

static void HeapSort(uint32_t* a, long n) {
  for (long i = n / 2 - 1; i >= 0; --i) SiftDown(a, i, n);
  for (long end = n - 1; end > 0; --end) {
    uint32_t t = a[0];
    a[0] = a[end];
    a[end] = t;
    SiftDown(a, 0, end);
  }
}

static uint64_t Verify(const uint32_t* a, long n) {
  uint64_t h = BenchSeed();
  for (long i = 0; i < n; ++i) {
    if (i > 0 && a[i - 1] > a[i]) return 0;  // not sorted: checksum 0
    if (i % 97 == 0) h = BenchMix(h, a[i]);
  }
  return h;
}

int main(int argc, char** argv) {
  long n = BenchArg(argc, argv, 100) * 10000;
  uint32_t* orig = malloc(sizeof(uint32_t) * n);
  uint32_t* a = malloc(sizeof(uint32_t) * n);
  uint32_t* tmp = malloc(sizeof(uint32_t) * n);
  uint64_t rng = 42;
  for (long i = 0; i < n; ++i)
    orig[i] = (uint32_t)BenchRandom(&rng) % (uint32_t)(n * 3);
  uint64_t h = BenchSeed();
  memcpy(a, orig, sizeof(uint32_t) * n);
  QuickSort(a, 0, n - 1);
  h = BenchMix(h, Verify(a, n));
  memcpy(a, orig, sizeof(uint32_t) * n);
  MergeSort(a, tmp, n);
  h = BenchMix(h, Verify(a, n));
  memcpy(a, orig, sizeof(uint32_t) * n);
  HeapSort(a, n);
  h = BenchMix(h, Verify(a, n));
  free(orig);
  free(a);
  free(tmp);
  return BenchReport("sort", h);
}
