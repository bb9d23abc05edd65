package io.edgeai.gateway.api;

/**
 * Snapshot of one broker connection, for the console and the status topic.
 *
 * @param name configured connection name
 * @param serverUri broker URI
 * @param clientId MQTT client id
 * @param state current state
 * @param sinceMillis wall-clock time of the last state change
 * @param received messages received
 * @param published messages published
 * @param publishQueued messages waiting in the publish queue
 * @param publishDropped messages dropped because the publish queue was full
 * @param reconnects successful connects after the first
 * @param lastError last connection error, empty when none
 */
public record ConnectionStatus(String name, String serverUri, String clientId, ConnectionState state,
        long sinceMillis, long received, long published, int publishQueued, long publishDropped, long reconnects,
        String lastError) {
}
