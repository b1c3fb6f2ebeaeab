# closures: creating and calling function values. Every round builds new closures (adders and
# scalers returned by higher-order functions, their compositions, and one closure per array
# element capturing a running total by reference), maps and folds an array with them, and calls
# a counter closure that updates a captured variable. All arithmetic is on integers kept below
# 2^31 by `% 1000003`, so every language (including those with only doubles) computes the same.
import sys

MOD = 1000003
LENGTH = 100


def make_adder(k):
    return lambda x: (x + k) % MOD


def make_scaler(m):
    def scale(x):
        return x * m % MOD
    return scale


def compose(f, g):
    return lambda x: g(f(x))


def map_array(xs, f):
    out = [0] * len(xs)
    for i in range(len(xs)):
        out[i] = f(xs[i])
    return out


def fold(xs, initial, f):
    acc = initial
    for x in xs:
        acc = f(acc, x)
    return acc


def make_counter(step):
    count = 0

    def counter():
        nonlocal count
        count = (count + step) % MOD
        return count
    return counter


# One new closure per element, capturing the element and (by reference) the running total.
def chain(xs):
    total = 0
    for i in range(len(xs)):
        x = xs[i]
        step = lambda y: (x + y + total) % MOD  # noqa: E731 (reads the cells x and total)
        total = step(i)
    return total


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 60000
    data = [0] * LENGTH
    for i in range(LENGTH):
        data[i] = i * 7919 % MOD
    stages = [None] * 8
    for j in range(8):
        if j % 2 == 0:
            stages[j] = make_adder(j * 13 + 1)
        else:
            stages[j] = make_scaler(j + 2)
    counter = make_counter(7)
    calls = 0

    def mix(acc, x):
        nonlocal calls
        calls += 1
        return (acc * 31 + x) % MOD

    check = 0
    for r in range(rounds):
        f = compose(make_adder(r % 10), make_scaler(r % 7 + 2))
        g = compose(f, stages[r % 8])
        mapped = map_array(data, g)
        check = (check + fold(mapped, r % MOD, mix)) % MOD
        check = (check + chain(mapped)) % MOD
        v = counter()
        for s in stages:
            v = s(v)
        check = (check + v) % MOD
    print(check)
    print(calls)
    print(counter())


main()
