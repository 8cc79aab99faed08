package io.mailgateway.cli;

/**
 * One broker the queue commands act on: the local gateway's (over BROKER_PORT) or, in a
 * cluster, another member's (over its cluster acceptor); or a member that could not be reached,
 * with the reason. Lifecycle: made by {@link ClusterMembers} (or for the one local broker),
 * closed by the command.
 *
 * @param nodeId      the member's NODE_ID, read from its broker's name (mail-gateway-N); 0 when unknown
 * @param address     host:port the command connected to (or tried)
 * @param admin       the connection; null when unreachable
 * @param unreachable why it could not be reached; null when reachable
 */
record QueueNode(int nodeId, String address, boolean local, QueueAdmin admin, String unreachable) implements AutoCloseable {

    private static final String BROKER_NAME_PREFIX = "mail-gateway-";

    static QueueNode reached(String brokerName, String address, boolean local, QueueAdmin admin) {
        return new QueueNode(nodeOf(brokerName), address, local, admin, null);
    }

    static QueueNode unreachable(String address, boolean local, String why) {
        return new QueueNode(0, address, local, null, why);
    }

    /** N of a broker named mail-gateway-N (io.mailgateway.broker.ClusterSettings names them so); 0 otherwise. */
    static int nodeOf(String brokerName) {
        if (brokerName != null && brokerName.matches(BROKER_NAME_PREFIX + "[0-9]{1,5}")) {
            return Integer.parseInt(brokerName.substring(BROKER_NAME_PREFIX.length()));
        }
        return 0;
    }

    boolean reachable() {
        return admin != null;
    }

    /** "node 2 (10.0.0.12:61617)", "node 1 (this node)", "member at 10.0.0.13:61617" for one never reached. */
    String heading() {
        String where = local ? "this node" : address;
        return nodeId > 0 ? "node " + nodeId + " (" + where + ")" : local ? "this node (" + address + ")" : "member at " + address;
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close();
        }
    }
}
