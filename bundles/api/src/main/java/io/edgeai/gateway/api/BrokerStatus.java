package io.edgeai.gateway.api;

/**
 * Snapshot of the embedded broker.
 *
 * @param running whether it accepts connections
 * @param host bound address
 * @param port bound TCP port
 * @param implementation broker implementation and version
 * @param detail free text (last error, client count...)
 */
public record BrokerStatus(boolean running, String host, int port, String implementation, String detail) {
}
