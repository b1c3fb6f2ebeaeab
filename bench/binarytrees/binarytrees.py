# binarytrees: the Computer Language Benchmarks Game binary-trees (allocate and walk many
# perfect binary trees; one long-lived tree stays alive throughout). Measures allocation,
# memory management and recursion.
import sys


class Node:
    __slots__ = ("left", "right")

    def __init__(self, left, right):
        self.left = left
        self.right = right


def bottom_up_tree(depth):
    if depth > 0:
        return Node(bottom_up_tree(depth - 1), bottom_up_tree(depth - 1))
    return Node(None, None)


def item_check(tree):
    if tree.left is None:
        return 1
    return 1 + item_check(tree.left) + item_check(tree.right)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 18
    min_depth = 4
    max_depth = n if n > min_depth + 2 else min_depth + 2
    stretch_depth = max_depth + 1

    print(f"stretch tree of depth {stretch_depth}\t check: {item_check(bottom_up_tree(stretch_depth))}")

    long_lived = bottom_up_tree(max_depth)
    for d in range(min_depth, max_depth + 1, 2):
        iterations = 1 << (max_depth - d + min_depth)
        check = 0
        for _ in range(iterations):
            check += item_check(bottom_up_tree(d))
        print(f"{iterations}\t trees of depth {d}\t check: {check}")
    print(f"long lived tree of depth {max_depth}\t check: {item_check(long_lived)}")


main()
