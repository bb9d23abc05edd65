package io.edgeai.gateway.api;

/** Life-cycle state of a broker connection. */
public enum ConnectionState {
    /** Trying to (re)connect. */
    CONNECTING,
    /** Connected and subscribed. */
    CONNECTED,
    /** Lost or refused; will retry after a back-off. */
    DISCONNECTED,
    /** Closed by configuration or shutdown. */
    STOPPED
}
