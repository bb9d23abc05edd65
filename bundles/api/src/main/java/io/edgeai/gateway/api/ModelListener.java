package io.edgeai.gateway.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard service: told of every {@link ModelEvent} of the model runtime, in order, on the runtime's
 * loader thread. Implementations hand the event on and return at once (no network or disk I/O).
 */
@ConsumerType
public interface ModelListener {
    /** @param event what happened */
    void modelChanged(ModelEvent event);
}
