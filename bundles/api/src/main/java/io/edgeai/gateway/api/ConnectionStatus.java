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
 * @param storeBytes bytes the publish store holds on disk (0 for a memory-only store)
 * @param publishExpired messages dropped because they waited longer than the store's time to live
 * @param unacknowledged received messages whose acknowledgement a consumer still owes
 */
public record ConnectionStatus(
        String name,
        String serverUri,
        String clientId,
        ConnectionState state,
        long sinceMillis,
        long received,
        long published,
        int publishQueued,
        long publishDropped,
        long reconnects,
        String lastError,
        long storeBytes,
        long publishExpired,
        long unacknowledged) {

    /**
     * A status without store and acknowledgement figures.
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
    public ConnectionStatus(
            String name,
            String serverUri,
            String clientId,
            ConnectionState state,
            long sinceMillis,
            long received,
            long published,
            int publishQueued,
            long publishDropped,
            long reconnects,
            String lastError) {
        this(
                name,
                serverUri,
                clientId,
                state,
                sinceMillis,
                received,
                published,
                publishQueued,
                publishDropped,
                reconnects,
                lastError,
                0,
                0,
                0);
    }
}
