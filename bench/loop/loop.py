# loop: a long counted loop of cheap integer arithmetic (multiply, add, remainder).
import sys


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100000000
    s = 0
    for i in range(n):
        s = (s * 31 + i) % 1000003
    print(s)


main()
