/* loop: a long counted loop of cheap integer arithmetic (multiply, add, remainder).
   Every intermediate value stays below 2^53, so doubles (JS, LuaJIT) compute it exactly. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    long long n = argc > 1 ? atoll(argv[1]) : 100000000;
    long long s = 0;
    for (long long i = 0; i < n; i++) {
        s = (s * 31 + i) % 1000003;
    }
    printf("%lld\n", s);
    return 0;
}
