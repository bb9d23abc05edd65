package io.edgeai.gateway.api;

/**
 * Snapshot of the embedded broker.
 *
 * @param running whether it accepts connections
 * @param host bound address
 * @param port bound TCP port
 * @param implementation broker implementation and version
 * @param detail free text (last error, client count...)
 * @param messagesDropped messages the broker accepted and then discarded since it started (a client's queue
 *        full, a QoS 0 subscriber not reading), -1 when unknown (since 1.9)
 */
public record BrokerStatus(
        boolean running, String host, int port, String implementation, String detail, long messagesDropped) {
    /**
     * A status without a drop count.
     *
     * @param running whether it accepts connections
     * @param host bound address
     * @param port bound TCP port
     * @param implementation broker implementation and version
     * @param detail free text
     */
    public BrokerStatus(boolean running, String host, int port, String implementation, String detail) {
        this(running, host, port, implementation, detail, -1);
    }
}
