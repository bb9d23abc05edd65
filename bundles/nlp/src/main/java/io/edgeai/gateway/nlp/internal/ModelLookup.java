package io.edgeai.gateway.nlp.internal;

import io.edgeai.gateway.api.ModelRunner;
import io.edgeai.gateway.api.TextEncoder;

/** The serving models by name, and their shadow candidates, as they come and go. */
public interface ModelLookup {
    /**
     * @param name model name
     * @return the serving encoder of that name, or null
     */
    TextEncoder encoder(String name);

    /**
     * @param name model name
     * @return the serving model of that name, or null
     */
    ModelRunner model(String name);

    /**
     * @param name model name
     * @return the shadow candidate of the encoder of that name, or null when there is none
     */
    default TextEncoder shadowEncoder(String name) {
        return null;
    }

    /**
     * @param name model name
     * @return the shadow candidate of the model of that name, or null when there is none
     */
    default ModelRunner shadowModel(String name) {
        return null;
    }
}
