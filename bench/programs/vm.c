// A switch-dispatched stack machine, the shape of many embedded scripting
// engines: a tiny assembler builds three bytecode programs (Collatz lengths,
// a GCD sum, a sieve in VM memory) and a `switch` loop runs them.
#include <string.h>

#include "bench_util.h"

enum Op {
  kPush,
  kLoad,
  kStore,
  kInc,
  kAdd,
  kSub,
  kMul,
  kMod,
  kAnd,
  kShr,
  kLt,
  kEq,
  kJmp,
  kJz,
  kJnz,
  kDup,
  kDrop,
  kSwap,
  kLdm,
  kStm,
  kHalt,
};

typedef struct {
  int64_t code[512];
  int len;
} Asm;

static int Emit(Asm* a, int64_t op) {
  a->code[a->len] = op;
  return a->len++;
}
static void Emit2(Asm* a, int64_t op, int64_t arg) {
  Emit(a, op);
  Emit(a, arg);
}
static int Here(const Asm* a) { return a->len; }
// Emits a jump with an unknown target; Patch fills it in.
static int Jump(Asm* a, int64_t op) {
  Emit(a, op);
  return Emit(a, -1);
}
static void Patch(Asm* a, int at, int target) { a->code[at] = target; }

static int64_t Run(const int64_t* code, int64_t* mem, int64_t* regs) {
  int64_t stack[64];
  int sp = 0, pc = 0;
  for (;;) {
    int64_t op = code[pc++];
    switch (op) {
      case kPush:
        stack[sp++] = code[pc++];
        break;
      case kLoad:
        stack[sp++] = regs[code[pc++]];
        break;
      case kStore:
        regs[code[pc++]] = stack[--sp];
        break;
      case kInc:
        regs[code[pc++]]++;
        break;
      case kAdd:
        sp--;
        stack[sp - 1] += stack[sp];
        break;
      case kSub:
        sp--;
        stack[sp - 1] -= stack[sp];
        break;
      case kMul:
        sp--;
        stack[sp - 1] *= stack[sp];
        break;
      case kMod:
        sp--;
        stack[sp - 1] %= stack[sp];
        break;
      case kAnd:
        sp--;
        stack[sp - 1] &= stack[sp];
        break;
      case kShr:
        sp--;
        stack[sp - 1] >>= stack[sp];
        break;
      case kLt:
        sp--;
        stack[sp - 1] = stack[sp - 1] < stack[sp];
        break;
      case kEq:
        sp--;
        stack[sp - 1] = stack[sp - 1] == stack[sp];
        break;
      case kJmp:
        pc = (int)code[pc];
        break;
      case kJz:
        pc = stack[--sp] == 0 ? (int)code[pc] : pc + 1;
        break;
      case kJnz:
        pc = stack[--sp] != 0 ? (int)code[pc] : pc + 1;
        break;
      case kDup:
        stack[sp] = stack[sp - 1];
        sp++;
        break;
      case kDrop:
        sp--;
        break;
      case kSwap: {
        int64_t t = stack[sp - 1];
        stack[sp - 1] = stack[sp - 2];
        stack[sp - 2] = t;
        break;
      }
      case kLdm:
        stack[sp - 1] = mem[stack[sp - 1]];
        break;
      case kStm:
        sp -= 2;
        mem[stack[sp + 1]] = stack[sp];
        break;
      case kHalt:
        return stack[sp - 1];
      default:
        return -1;
    }
  }
}

// total = sum over i in [1, r1) of the Collatz step count of i.
static void BuildCollatz(Asm* a) {
  int loop_i = Here(a);
  Emit2(a, kLoad, 0);
  Emit2(a, kLoad, 1);
  Emit(a, kLt);
  int to_end = Jump(a, kJz);
  Emit2(a, kLoad, 0);
  Emit2(a, kStore, 3);
  int loop_x = Here(a);
  Emit2(a, kLoad, 3);
  Emit2(a, kPush, 1);
  Emit(a, kEq);
  int to_next = Jump(a, kJnz);
  Emit2(a, kInc, 2);
  Emit2(a, kLoad, 3);
  Emit2(a, kPush, 1);
  Emit(a, kAnd);
  int to_even = Jump(a, kJz);
  Emit2(a, kLoad, 3);
  Emit2(a, kPush, 3);
  Emit(a, kMul);
  Emit2(a, kPush, 1);
  Emit(a, kAdd);
  Emit2(a, kStore, 3);
  Emit2(a, kJmp, loop_x);
  Patch(a, to_even, Here(a));
  Emit2(a, kLoad, 3);
  Emit2(a, kPush, 1);
  Emit(a, kShr);
  Emit2(a, kStore, 3);
  Emit2(a, kJmp, loop_x);
  Patch(a, to_next, Here(a));
  Emit2(a, kInc, 0);
  Emit2(a, kJmp, loop_i);
  Patch(a, to_end, Here(a));
  Emit2(a, kLoad, 2);
  Emit(a, kHalt);
}

// total = sum over 1 <= i, j < r1 of gcd(i, j), by Euclid with remainders.
static void BuildGcd(Asm* a) {
  int loop_i = Here(a);
  Emit2(a, kLoad, 0);
  Emit2(a, kLoad, 1);
  Emit(a, kLt);
  int to_end = Jump(a, kJz);
  Emit2(a, kPush, 1);
  Emit2(a, kStore, 4);
  int loop_j = Here(a);
  Emit2(a, kLoad, 4);
  Emit2(a, kLoad, 1);
  Emit(a, kLt);
  int to_next_i = Jump(a, kJz);
  Emit2(a, kLoad, 0);
  Emit2(a, kLoad, 4);
  int euclid = Here(a);  // stack: x y
  Emit(a, kDup);
  int to_done = Jump(a, kJz);
  Emit(a, kDup);
  Emit2(a, kStore, 5);
  Emit(a, kMod);
  Emit2(a, kLoad, 5);
  Emit(a, kSwap);
  Emit2(a, kJmp, euclid);
  Patch(a, to_done, Here(a));
  Emit(a, kDrop);
  Emit2(a, kLoad, 2);
  Emit(a, kAdd);
  Emit2(a, kStore, 2);
  Emit2(a, kInc, 4);
  Emit2(a, kJmp, loop_j);
  Patch(a, to_next_i, Here(a));
  Emit2(a, kInc, 0);
  Emit2(a, kJmp, loop_i);
  Patch(a, to_end, Here(a));
  Emit2(a, kLoad, 2);
  Emit(a, kHalt);
}

// Counts primes below r1 with a sieve kept in VM memory (0 = prime).
static void BuildSieve(Asm* a) {
  Emit2(a, kPush, 2);
  Emit2(a, kStore, 0);
  int loop_i = Here(a);
  Emit2(a, kLoad, 0);
  Emit2(a, kLoad, 1);
  Emit(a, kLt);
  int to_end = Jump(a, kJz);
  Emit2(a, kLoad, 0);
  Emit(a, kLdm);
  int to_next = Jump(a, kJnz);
  Emit2(a, kInc, 2);
  Emit2(a, kLoad, 0);
  Emit(a, kDup);
  Emit(a, kAdd);
  Emit2(a, kStore, 3);
  int loop_m = Here(a);
  Emit2(a, kLoad, 3);
  Emit2(a, kLoad, 1);
  Emit(a, kLt);
  int to_next2 = Jump(a, kJz);
  Emit2(a, kPush, 1);
  Emit2(a, kLoad, 3);
  Emit(a, kStm);
  Emit2(a, kLoad, 3);
  Emit2(a, kLoad, 0);
  Emit(a, kAdd);
  Emit2(a, kStore, 3);
  Emit2(a, kJmp, loop_m);
  Patch(a, to_next, Here(a));
  Patch(a, to_next2, Here(a));
  Emit2(a, kInc, 0);
  Emit2(a, kJmp, loop_i);
  Patch(a, to_end, Here(a));
  Emit2(a, kLoad, 2);
  Emit(a, kHalt);
}

static int64_t RunProgram(void (*build)(Asm*), int64_t limit, int64_t* mem) {
  Asm a = {{0}, 0};
  build(&a);
  int64_t regs[8] = {1, limit, 0, 0, 0, 0, 0, 0};
  return Run(a.code, mem, regs);
}

int main(int argc, char** argv) {
  long n = BenchArg(argc, argv, 100);
  int64_t sieve_size = n * 20000;
  int64_t* mem = calloc((size_t)sieve_size + 1, sizeof(int64_t));
  uint64_t h = BenchSeed();
  h = BenchMix(h, (uint64_t)RunProgram(BuildCollatz, n * 1000, mem));
  h = BenchMix(h, (uint64_t)RunProgram(BuildGcd, n * 6, mem));
  h = BenchMix(h, (uint64_t)RunProgram(BuildSieve, sieve_size, mem));
  free(mem);
  return BenchReport("vm", h);
}
