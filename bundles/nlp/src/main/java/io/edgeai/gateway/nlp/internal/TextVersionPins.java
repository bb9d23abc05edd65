package io.edgeai.gateway.nlp.internal;

import java.util.LinkedHashMap;
import java.util.Map;

import org.osgi.framework.VersionRange;

/**
 * The model versions a text pipeline is pinned to, per model name (its encoder, intent head and slot head), as
 * the configuration gives them: the text pipelines' counterpart of the anomaly pipeline's
 * {@code modelVersionRange}. A pinned model answers with the highest version inside its range, and the model
 * registry is asked to keep that version loaded even when it is not the serving one.
 *
 * @param ranges version range per model name, in the order encoder, intent head, slot head; empty when nothing
 *        is pinned
 */
record TextVersionPins(Map<String, Pin> ranges) {
    /** No pins. */
    static final TextVersionPins NONE = new TextVersionPins(Map.of());

    /**
     * One pin.
     *
     * @param role what the model is to the pipeline: {@code encoder}, {@code intent-model}, {@code slot-model}
     * @param range the parsed range
     * @param text the range as configured, for the registry
     */
    record Pin(String role, VersionRange range, String text) {}

    /** Copies the map. */
    TextVersionPins {
        ranges = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(ranges));
    }

    /**
     * Reads the pins of a configuration.
     *
     * @param c the configuration
     * @return its pins
     * @throws IllegalArgumentException naming the property whose value is not a version range, or that pins a
     *         model the pipeline does not use
     */
    static TextVersionPins from(TextPipelineConfig c) {
        Map<String, Pin> out = new LinkedHashMap<>();
        add(out, "encoderVersionRange", "encoder", c.encoder(), c.encoderVersionRange());
        add(out, "intentModelVersionRange", "intent-model", c.intent_model(), c.intentModelVersionRange());
        add(out, "slotModelVersionRange", "slot-model", c.slot_model(), c.slotModelVersionRange());
        return out.isEmpty() ? NONE : new TextVersionPins(out);
    }

    private static void add(Map<String, Pin> out, String property, String role, String model, String range) {
        String text = range == null ? "" : range.strip();
        if (text.isEmpty()) {
            return;
        }
        String name = model == null ? "" : model.strip();
        if (name.isEmpty()) {
            throw new IllegalArgumentException(
                    property + " pins a model the pipeline does not use (" + role + " is empty): " + text);
        }
        VersionRange parsed;
        try {
            parsed = new VersionRange(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    property + " is not an OSGi version range such as [1.0,2.0): " + text, e);
        }
        Pin old = out.putIfAbsent(name, new Pin(role, parsed, text));
        if (old != null && !old.text().equals(text)) {
            throw new IllegalArgumentException(property + " pins " + name + " to " + text + ", but it is pinned to "
                    + old.text() + " as the " + old.role());
        }
    }
}
