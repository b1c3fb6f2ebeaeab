/* spectralnorm: the Computer Language Benchmarks Game spectral norm of the infinite matrix
   A(i,j) = 1/((i+j)(i+j+1)/2 + i + 1), by 10 rounds of the power method on A^T A.
   Measures floating-point loops over arrays and small function calls. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static double eval_a(long i, long j) {
    return 1.0 / ((i + j) * (i + j + 1) / 2 + i + 1);
}

static void multiply_av(long n, const double *v, double *av) {
    for (long i = 0; i < n; i++) {
        double sum = 0.0;
        for (long j = 0; j < n; j++) {
            sum += eval_a(i, j) * v[j];
        }
        av[i] = sum;
    }
}

static void multiply_atv(long n, const double *v, double *atv) {
    for (long i = 0; i < n; i++) {
        double sum = 0.0;
        for (long j = 0; j < n; j++) {
            sum += eval_a(j, i) * v[j];
        }
        atv[i] = sum;
    }
}

static void multiply_atav(long n, const double *v, double *out, double *tmp) {
    multiply_av(n, v, tmp);
    multiply_atv(n, tmp, out);
}

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 2000;
    double *u = malloc(n * sizeof(double));
    double *v = malloc(n * sizeof(double));
    double *tmp = malloc(n * sizeof(double));
    for (long i = 0; i < n; i++) {
        u[i] = 1.0;
    }
    for (int i = 0; i < 10; i++) {
        multiply_atav(n, u, v, tmp);
        multiply_atav(n, v, u, tmp);
    }
    double vbv = 0.0, vv = 0.0;
    for (long i = 0; i < n; i++) {
        vbv += u[i] * v[i];
        vv += v[i] * v[i];
    }
    printf("%.9f\n", sqrt(vbv / vv));
    free(u);
    free(v);
    free(tmp);
    return 0;
}
