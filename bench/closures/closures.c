// closures: creating and calling function values. Every round builds new closures (adders and
// scalers returned by higher-order functions, their compositions, and one closure per array
// element capturing a running total by reference), maps and folds an array with them, and calls
// a counter closure that updates a captured variable. All arithmetic is on integers kept below
// 2^31 by `% 1000003`, so every language (including those with only doubles) computes the same.
// A closure is a pair {function pointer, environment pointer}. Environments of closures that
// outlive the function creating them are allocated with malloc (and freed when the round is
// over); the per-element closure in chain() does not escape and points into the stack, and a
// variable captured by reference is reached through a pointer to it.
#include <stdio.h>
#include <stdlib.h>

#define MOD 1000003
#define LENGTH 100

typedef long long i64;

typedef struct {
    i64 (*call)(void *env, i64 x);
    void *env;
} IntFn;  // (int) -> int

typedef struct {
    i64 (*call)(void *env, i64 acc, i64 x);
    void *env;
} IntFn2;  // (int, int) -> int

typedef struct {
    i64 (*call)(void *env);
    void *env;
} IntThunk;  // () -> int

static void *allocate(size_t size) {
    void *p = malloc(size);
    if (p == NULL) {
        fputs("out of memory\n", stderr);
        exit(1);
    }
    return p;
}

// makeAdder(k) = { x -> (x + k) % MOD }
typedef struct {
    i64 k;
} AdderEnv;
static i64 adderCall(void *env, i64 x) {
    return (x + ((AdderEnv *)env)->k) % MOD;
}
static IntFn makeAdder(i64 k) {
    AdderEnv *env = allocate(sizeof *env);
    env->k = k;
    return (IntFn){adderCall, env};
}

// makeScaler(m) = { x -> x * m % MOD }
typedef struct {
    i64 m;
} ScalerEnv;
static i64 scalerCall(void *env, i64 x) {
    return x * ((ScalerEnv *)env)->m % MOD;
}
static IntFn makeScaler(i64 m) {
    ScalerEnv *env = allocate(sizeof *env);
    env->m = m;
    return (IntFn){scalerCall, env};
}

// compose(f, g) = { x -> g(f(x)) }
typedef struct {
    IntFn f, g;
} ComposeEnv;
static i64 composeCall(void *env, i64 x) {
    ComposeEnv *e = env;
    return e->g.call(e->g.env, e->f.call(e->f.env, x));
}
static IntFn compose(IntFn f, IntFn g) {
    ComposeEnv *env = allocate(sizeof *env);
    env->f = f;
    env->g = g;
    return (IntFn){composeCall, env};
}

static i64 *mapArray(const i64 *xs, int n, IntFn f) {
    i64 *out = allocate(sizeof(i64) * (size_t)n);
    for (int i = 0; i < n; i++) {
        out[i] = f.call(f.env, xs[i]);
    }
    return out;
}

static i64 fold(const i64 *xs, int n, i64 initial, IntFn2 f) {
    i64 acc = initial;
    for (int i = 0; i < n; i++) {
        acc = f.call(f.env, acc, xs[i]);
    }
    return acc;
}

// makeCounter(step): a closure over a mutable count
typedef struct {
    i64 count;
    i64 step;
} CounterEnv;
static i64 counterCall(void *env) {
    CounterEnv *e = env;
    e->count = (e->count + e->step) % MOD;
    return e->count;
}
static IntThunk makeCounter(i64 step) {
    CounterEnv *env = allocate(sizeof *env);
    env->count = 0;
    env->step = step;
    return (IntThunk){counterCall, env};
}

// One new closure per element, capturing the element and (by reference) the running total.
typedef struct {
    i64 x;
    i64 *total;
} StepEnv;
static i64 stepCall(void *env, i64 y) {
    StepEnv *e = env;
    return (e->x + y + *e->total) % MOD;
}
static i64 chain(const i64 *xs, int n) {
    i64 total = 0;
    for (int i = 0; i < n; i++) {
        StepEnv env = {xs[i], &total};
        IntFn step = {stepCall, &env};
        total = step.call(step.env, i);
    }
    return total;
}

// mix: captures `calls` from main by reference
static i64 mixCall(void *env, i64 acc, i64 x) {
    *(i64 *)env += 1;
    return (acc * 31 + x) % MOD;
}

int main(int argc, char **argv) {
    int rounds = argc > 1 ? atoi(argv[1]) : 60000;
    i64 data[LENGTH];
    for (int i = 0; i < LENGTH; i++) {
        data[i] = (i64)i * 7919 % MOD;
    }
    IntFn stages[8];
    for (int j = 0; j < 8; j++) {
        if (j % 2 == 0) {
            stages[j] = makeAdder(j * 13 + 1);
        } else {
            stages[j] = makeScaler(j + 2);
        }
    }
    IntThunk counter = makeCounter(7);
    i64 calls = 0;
    IntFn2 mix = {mixCall, &calls};

    i64 check = 0;
    for (int r = 0; r < rounds; r++) {
        IntFn adder = makeAdder(r % 10);
        IntFn scaler = makeScaler(r % 7 + 2);
        IntFn f = compose(adder, scaler);
        IntFn g = compose(f, stages[r % 8]);
        i64 *mapped = mapArray(data, LENGTH, g);
        check = (check + fold(mapped, LENGTH, r % MOD, mix)) % MOD;
        check = (check + chain(mapped, LENGTH)) % MOD;
        i64 v = counter.call(counter.env);
        for (int j = 0; j < 8; j++) {
            v = stages[j].call(stages[j].env, v);
        }
        check = (check + v) % MOD;
        free(mapped);
        free(g.env);
        free(f.env);
        free(scaler.env);
        free(adder.env);
    }
    printf("%lld\n%lld\n", check, calls);
    printf("%lld\n", counter.call(counter.env));
    for (int j = 0; j < 8; j++) free(stages[j].env);
    free(counter.env);
    return 0;
}
