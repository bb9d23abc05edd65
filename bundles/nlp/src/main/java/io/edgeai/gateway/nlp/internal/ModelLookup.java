package io.edgeai.gateway.nlp.internal;

import io.edgeai.gateway.api.ModelRunner;
import io.edgeai.gateway.api.TextEncoder;

/** The serving models by name, as they come and go. */
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
}
