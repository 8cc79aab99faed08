package io.mailgateway.cli;

import java.io.PrintStream;
import java.util.List;

/**
 * The brokers one queue command acts on (the local one, or every cluster member) and how their
 * output is laid out: in a cluster, what concerns a node comes under its heading; one broker
 * alone prints exactly as before clustering existed. Lifecycle: one per command run, closed with it.
 */
final class QueueNodes implements AutoCloseable {

    final PrintStream out;
    final PrintStream err;
    final boolean json;
    final boolean clustered;
    private final List<QueueNode> nodes;
    private QueueNode lastSection;

    QueueNodes(List<QueueNode> nodes, boolean clustered, boolean json, PrintStream out, PrintStream err) {
        this.nodes = nodes;
        this.clustered = clustered;
        this.json = json;
        this.out = out;
        this.err = err;
    }

    List<QueueNode> all() {
        return nodes;
    }

    /** The nodes a lookup of one queue ID asks. */
    List<QueueNode> reachable() {
        return nodes.stream().filter(QueueNode::reachable).toList();
    }

    /** What goes into a JSON entry's {@code node}: 0 (left out) for one broker alone. */
    int nodeField(QueueNode node) {
        return clustered ? node.nodeId() : 0;
    }

    /**
     * True for a node that answers; for one that does not, says so (in its section of a text
     * listing, on stderr under --json, so the output stays one array) and returns false.
     */
    boolean reached(QueueNode node) {
        if (node.reachable()) {
            return true;
        }
        if (json) {
            err.println(node.heading() + ": unreachable: " + node.unreachable());
        } else {
            section(node);
            out.println("unreachable: " + node.unreachable());
        }
        return false;
    }

    /** In a cluster, the heading of {@code node}'s output, once, before its first line. */
    void section(QueueNode node) {
        if (!clustered || node == lastSection) {
            return;
        }
        if (lastSection != null) {
            out.println();
        }
        out.println("== " + node.heading() + " ==");
        lastSection = node;
    }

    /** OK, or PARTIAL when some cluster node could not be asked. */
    int done() {
        return nodes.stream().allMatch(QueueNode::reachable) ? QueueCommand.OK : QueueCommand.PARTIAL;
    }

    @Override
    public void close() {
        nodes.forEach(QueueNode::close);
    }
}
