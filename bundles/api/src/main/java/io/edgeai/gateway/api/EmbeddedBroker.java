package io.edgeai.gateway.api;

import org.osgi.annotation.versioning.ProviderType;

/** The in-process MQTT broker, registered while it is enabled. */
@ProviderType
public interface EmbeddedBroker {
    /** @return a snapshot of its state */
    BrokerStatus status();
}
