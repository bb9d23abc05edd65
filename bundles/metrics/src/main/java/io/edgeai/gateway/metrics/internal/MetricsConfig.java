package io.edgeai.gateway.metrics.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Metrics, health and status publishing (PID {@code edgeai.metrics}). */
@ObjectClassDefinition(
        id = "edgeai.metrics",
        name = "EdgeAI metrics and health",
        description = "Prometheus metrics at http://HOST:PORT/metrics, a health check at /health, and a JSON "
                + "status message over MQTT at an interval.")
public @interface MetricsConfig {
    /** @return whether the HTTP endpoint runs */
    @AttributeDefinition(name = "HTTP enabled", description = "Serve /metrics and /health over HTTP.")
    boolean httpEnabled() default true;

    /** @return listen address */
    @AttributeDefinition(
            name = "Host",
            description =
                    "Address the HTTP endpoint listens on. Loopback by default: "
                            + "the endpoint has no authentication, so expose it beyond the box only behind a proxy or firewall.")
    String host() default "127.0.0.1";

    /** @return listen port */
    @AttributeDefinition(
            name = "Port",
            description = "TCP port of the HTTP endpoint (9464 is Prometheus' " + "customary exporter port).",
            min = "1",
            max = "65535")
    int port() default 9464;

    /** @return status interval */
    @AttributeDefinition(
            name = "Status interval (s)",
            description = "How often the JSON status message is " + "published; 0 switches it off.",
            min = "0")
    int statusIntervalSeconds() default 60;

    /** @return status topic */
    @AttributeDefinition(
            name = "Status topic",
            description = "Topic of the JSON status message; {clientId} is "
                    + "the connection's client id. Not the retained online/offline topic, which it would overwrite.")
    String statusTopic() default "edgeai/gateway/{clientId}/metrics";

    /** @return connection name */
    @AttributeDefinition(
            name = "Status connection",
            description = "Name of the MQTT connection the status " + "message goes out on.")
    String statusConnection() default "local";

    /** @return whether the web view runs */
    @AttributeDefinition(
            name = "Web view",
            description = "Serve the read-only web view at /view on the same address and port as /metrics (same "
                    + "access: loopback by default). It follows the result topics over the status connection's "
                    + "'view' lane (client id <clientId>-view).")
    boolean viewEnabled() default true;

    /** @return result topics the view follows */
    @AttributeDefinition(
            name = "Web view topics",
            description = "Topic filter of the anomaly results the web view charts.")
    String viewTopics() default "edgeai/anomaly/#";

    /** @return text result topics the view lists */
    @AttributeDefinition(
            name = "Web view text topics",
            description = "Topic filter of the text pipelines' results whose latest inputs the web view lists "
                    + "(text, intent, confidence, entities); empty for none.")
    String viewTextTopics() default "edgeai/nlp/#";

    /** @return series the view keeps */
    @AttributeDefinition(
            name = "Web view series",
            description =
                    "Series whose recent results the web view keeps (the least recently updated goes " + "first).",
            min = "1",
            max = "10000")
    int viewMaxSeries() default 200;

    /** @return results per series */
    @AttributeDefinition(
            name = "Web view points",
            description = "Recent results kept per series for its chart.",
            min = "1",
            max = "10000")
    int viewPointsPerSeries() default 300;
}
