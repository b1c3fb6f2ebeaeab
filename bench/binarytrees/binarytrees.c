/* binarytrees: the Computer Language Benchmarks Game binary-trees (allocate and walk many
   perfect binary trees; one long-lived tree stays alive throughout). Measures allocation,
   memory management and recursion. Here with plain malloc/free. */
#include <stdio.h>
#include <stdlib.h>

typedef struct Node {
    struct Node *left;
    struct Node *right;
} Node;

static Node *new_node(Node *left, Node *right) {
    Node *node = malloc(sizeof(Node));
    if (node == NULL) {
        perror("malloc");
        exit(1);
    }
    node->left = left;
    node->right = right;
    return node;
}

static Node *bottom_up_tree(int depth) {
    if (depth > 0) {
        return new_node(bottom_up_tree(depth - 1), bottom_up_tree(depth - 1));
    }
    return new_node(NULL, NULL);
}

static long item_check(const Node *tree) {
    if (tree->left == NULL) {
        return 1;
    }
    return 1 + item_check(tree->left) + item_check(tree->right);
}

static void delete_tree(Node *tree) {
    if (tree->left != NULL) {
        delete_tree(tree->left);
        delete_tree(tree->right);
    }
    free(tree);
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 18;
    int min_depth = 4;
    int max_depth = n > min_depth + 2 ? n : min_depth + 2;
    int stretch_depth = max_depth + 1;

    Node *stretch = bottom_up_tree(stretch_depth);
    printf("stretch tree of depth %d\t check: %ld\n", stretch_depth, item_check(stretch));
    delete_tree(stretch);

    Node *long_lived = bottom_up_tree(max_depth);
    for (int d = min_depth; d <= max_depth; d += 2) {
        long iterations = 1L << (max_depth - d + min_depth);
        long check = 0;
        for (long i = 0; i < iterations; i++) {
            Node *tree = bottom_up_tree(d);
            check += item_check(tree);
            delete_tree(tree);
        }
        printf("%ld\t trees of depth %d\t check: %ld\n", iterations, d, check);
    }
    printf("long lived tree of depth %d\t check: %ld\n", max_depth, item_check(long_lived));
    delete_tree(long_lived);
    return 0;
}
