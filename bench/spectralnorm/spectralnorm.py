# spectralnorm: the Computer Language Benchmarks Game spectral norm of the infinite matrix
# A(i,j) = 1/((i+j)(i+j+1)/2 + i + 1), by 10 rounds of the power method on A^T A.
# Measures floating-point loops over arrays and small function calls.
import math
import sys


def eval_a(i, j):
    return 1.0 / ((i + j) * (i + j + 1) // 2 + i + 1)


def multiply_av(n, v, av):
    for i in range(n):
        s = 0.0
        for j in range(n):
            s += eval_a(i, j) * v[j]
        av[i] = s


def multiply_atv(n, v, atv):
    for i in range(n):
        s = 0.0
        for j in range(n):
            s += eval_a(j, i) * v[j]
        atv[i] = s


def multiply_atav(n, v, out, tmp):
    multiply_av(n, v, tmp)
    multiply_atv(n, tmp, out)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    u = [1.0] * n
    v = [0.0] * n
    tmp = [0.0] * n
    for _ in range(10):
        multiply_atav(n, u, v, tmp)
        multiply_atav(n, v, u, tmp)
    vbv = 0.0
    vv = 0.0
    for i in range(n):
        vbv += u[i] * v[i]
        vv += v[i] * v[i]
    print(f"{math.sqrt(vbv / vv):.9f}")


main()
