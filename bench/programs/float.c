// Floating point: an N-body gravity simulation (double) and an escape-time
// fractal (float). Only + - * / and sqrt, all exactly rounded, so the native
// and wasm builds agree to the bit.
#include <math.h>
#include <string.h>

#include "bench_util.h"

enum { kBodies = 6 };

typedef struct {
  double x, y, z, vx, vy, vz, mass;
} Body;

static void Step(Body* b, double dt) {
  for (int i = 0; i < kBodies; ++i)
    for (int j = i + 1; j < kBodies; ++j) {
      double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
      double d2 = dx * dx + dy * dy + dz * dz + 1e-9;
      double mag = dt / (d2 * sqrt(d2));
      b[i].vx -= dx * b[j].mass * mag;
      b[i].vy -= dy * b[j].mass * mag;
      b[i].vz -= dz * b[j].mass * mag;
      b[j].vx += dx * b[i].mass * mag;
      b[j].vy += dy * b[i].mass * mag;
      b[j].vz += dz * b[i].mass * mag;
    }
  for (int i = 0; i < kBodies; ++i) {
    b[i].x += dt * b[i].vx;
    b[i].y += dt * b[i].vy;
    b[i].z += dt * b[i].vz;
  }
}

static double Energy(const Body* b) {
  double e = 0;
  for (int i = 0; i < kBodies; ++i) {
    e += 0.5 * b[i].mass *
         (b[i].vx * b[i].vx + b[i].vy * b[i].vy + b[i].vz * b[i].vz);
    for (int j = i + 1; j < kBodies; ++j) {
      double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
      e -= b[i].mass * b[j].mass / sqrt(dx * dx + dy * dy + dz * dz);
    }
  }
  return e;
}

static uint64_t Bits(double d) {
  uint64_t u;
  memcpy(&u, &d, sizeof u);
  return u;
}

static uint64_t Fractal(int size) {
  uint64_t total = 0;
  for (int py = 0; py < size; ++py)
    for (int px = 0; px < size; ++px) {
      float cr = -2.0f + 2.6f * (float)px / (float)size;
      float ci = -1.3f + 2.6f * (float)py / (float)size;
      float zr = 0, zi = 0;
      int it = 0;
      while (it < 200 && zr * zr + zi * zi < 4.0f) {
        float t = zr * zr - zi * zi + cr;
        zi = 2.0f * zr * zi + ci;
        zr = t;
        ++it;
      }
      total = total * 31 + (uint64_t)it;
    }
  return total;
}

int main(int argc, char** argv) {
  long n = BenchArg(argc, argv, 100);
  Body bodies[kBodies];
  for (int i = 0; i < kBodies; ++i) {
    double r = 1.0 + i * 0.75;
    bodies[i] = (Body){r,
                       0.1 * i,
                       -0.05 * i,
                       0.02 * i,
                       1.0 / sqrt(r),
                       0.01 * (i % 2),
                       i == 0 ? 20.0 : 0.01 * (i + 1)};
  }
  uint64_t h = BenchSeed();
  h = BenchMix(h, Bits(Energy(bodies)));
  for (long s = 0; s < n * 10000; ++s) Step(bodies, 0.001);
  h = BenchMix(h, Bits(Energy(bodies)));
  h = BenchMix(h, Fractal((int)n * 3));
  return BenchReport("float", h);
}
