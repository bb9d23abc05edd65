package io.edgeai.gateway.metrics.internal;

import java.util.List;

import org.osgi.framework.Bundle;

import io.edgeai.gateway.api.EmbeddedBroker;
import io.edgeai.gateway.api.ModelRunner;
import io.edgeai.gateway.api.ModelState;
import io.edgeai.gateway.api.MqttConnection;
import io.edgeai.gateway.api.Pipeline;

/**
 * What metrics and health are computed from, read fresh on every scrape or check.
 *
 * @param pipelines running pipelines
 * @param connections broker connections
 * @param models serving model runners
 * @param brokers the embedded broker, when one runs (empty list otherwise)
 * @param bundles the gateway's own bundles
 * @param configuredPipelines names of the pipelines configured (running or not)
 * @param modelVersions every model version the runtime has seen, serving or not (refused ones included)
 */
record GatewayServices(
        List<Pipeline> pipelines,
        List<MqttConnection> connections,
        List<ModelRunner> models,
        List<EmbeddedBroker> brokers,
        List<Bundle> bundles,
        List<String> configuredPipelines,
        List<ModelState> modelVersions) {}
