package io.edgeai.gateway.mqtt.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.edgeai.gateway.api.ConnectionState;

/**
 * A connection's link as its status shows it (state, since when, the last error), the wait of its threads for
 * a change, and what an outage writes to the log: one INFO while the broker is still starting, one WARN per
 * outage after that, retries at DEBUG.
 */
final class LinkState {
    private static final Logger LOG = LoggerFactory.getLogger(PahoConnection.class);

    private final ConnectionSettings settings;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private volatile ConnectionState state = ConnectionState.CONNECTING;
    private volatile long since = System.currentTimeMillis();
    private volatile String lastError = "";
    /** Whether the current outage was logged. */
    private volatile boolean outageLogged;
    /** Whether the wait for the broker at start was logged. */
    private boolean waitingLogged;

    /** @param settings the connection's settings, for the log */
    LinkState(ConnectionSettings settings) {
        this.settings = settings;
    }

    ConnectionState state() {
        return state;
    }

    long since() {
        return since;
    }

    String lastError() {
        return lastError;
    }

    /** Sets the state and wakes the connection's threads. */
    void set(ConnectionState s, String error) {
        lock.lock();
        try {
            if (state != s) {
                since = System.currentTimeMillis();
            }
            state = s;
            lastError = error == null ? "" : error;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to {@code millis} for a change of state. */
    void await(long millis) {
        lock.lock();
        try {
            changed.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /** Wakes the connection's threads without a change: a connect thread waiting out its back-off retries now. */
    void nudge() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Connected: the next failure is a new outage. */
    void connected() {
        set(ConnectionState.CONNECTED, "");
        outageLogged = false;
        LOG.info(
                "MQTT connection {} connected to {} as {}", settings.name(), settings.serverUri(), settings.clientId());
    }

    /** The connection dropped: one WARN, the reconnect attempts that follow at DEBUG. */
    void lost(String error) {
        set(ConnectionState.DISCONNECTED, error);
        outageLogged = true;
        LOG.warn("MQTT connection {} to {} lost: {}; reconnecting", settings.name(), settings.serverUri(), lastError);
    }

    /**
     * A connect attempt failed.
     *
     * @param error what failed
     * @param starting whether the broker may still be starting (before the first connection, within the grace)
     */
    void connectFailed(String error, boolean starting) {
        set(ConnectionState.DISCONNECTED, error);
        if (starting && !waitingLogged) {
            waitingLogged = true;
            LOG.info(
                    "MQTT connection {} waiting for the broker at {} ({}); retrying",
                    settings.name(),
                    settings.serverUri(),
                    lastError);
        } else if (!starting && !outageLogged) {
            outageLogged = true;
            LOG.warn(
                    "MQTT connection {} to {} failed: {}; retrying with back-off (further failures at DEBUG)",
                    settings.name(),
                    settings.serverUri(),
                    lastError);
        } else {
            LOG.debug("MQTT connection {} retry failed: {}", settings.name(), lastError);
        }
    }
}
