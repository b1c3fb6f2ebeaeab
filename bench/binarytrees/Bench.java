// binarytrees: the Computer Language Benchmarks Game binary-trees (allocate and walk many
// perfect binary trees; one long-lived tree stays alive throughout). Measures allocation,
// memory management and recursion.
public class Bench {
    static final class Node {
        final Node left;
        final Node right;

        Node(Node left, Node right) {
            this.left = left;
            this.right = right;
        }
    }

    static Node bottomUpTree(int depth) {
        if (depth > 0) {
            return new Node(bottomUpTree(depth - 1), bottomUpTree(depth - 1));
        }
        return new Node(null, null);
    }

    static long itemCheck(Node tree) {
        if (tree.left == null) {
            return 1;
        }
        return 1 + itemCheck(tree.left) + itemCheck(tree.right);
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 18;
        int minDepth = 4;
        int maxDepth = n > minDepth + 2 ? n : minDepth + 2;
        int stretchDepth = maxDepth + 1;

        System.out.println("stretch tree of depth " + stretchDepth + "\t check: "
                + itemCheck(bottomUpTree(stretchDepth)));

        Node longLived = bottomUpTree(maxDepth);
        for (int d = minDepth; d <= maxDepth; d += 2) {
            long iterations = 1L << (maxDepth - d + minDepth);
            long check = 0;
            for (long i = 0; i < iterations; i++) {
                check += itemCheck(bottomUpTree(d));
            }
            System.out.println(iterations + "\t trees of depth " + d + "\t check: " + check);
        }
        System.out.println("long lived tree of depth " + maxDepth + "\t check: " + itemCheck(longLived));
    }
}
