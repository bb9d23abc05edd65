package io.edgeai.gateway.onnx.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.edgeai.gateway.api.ModelEvent;
import io.edgeai.gateway.api.ModelListener;

/**
 * Model events on their way to the {@link ModelListener} services: queued on the extender's loader thread and
 * told, in order, once {@code models()} shows the change. A failing listener is logged and skipped.
 */
final class ModelEvents {
    private static final Logger LOG = LoggerFactory.getLogger(ModelEvents.class);

    private final List<ModelListener> listeners = new CopyOnWriteArrayList<>();
    /** Events not yet told (loader thread only). */
    private final List<ModelEvent> pending = new ArrayList<>();

    void addListener(ModelListener listener) {
        listeners.add(listener);
    }

    void removeListener(ModelListener listener) {
        listeners.remove(listener);
    }

    /** Queues an event. */
    void fire(ModelEvent.Type type, String name, String version, String previous, String detail) {
        pending.add(new ModelEvent(type, name, version, previous, detail, System.currentTimeMillis()));
    }

    /** Tells the listeners every queued event, oldest first. */
    void deliver() {
        while (!pending.isEmpty()) {
            ModelEvent event = pending.remove(0);
            for (ModelListener l : listeners) {
                try {
                    l.modelChanged(event);
                } catch (RuntimeException e) {
                    LOG.warn("Model listener {} failed on {}", l.getClass().getName(), event, e);
                }
            }
        }
    }
}
