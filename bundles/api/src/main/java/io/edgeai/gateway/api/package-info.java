/**
 * Public API of the EdgeAI Gateway: model runners, MQTT connections, pipelines and their status
 * records. Interfaces are services; records are immutable values passed between bundles.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.11.0")
package io.edgeai.gateway.api;
