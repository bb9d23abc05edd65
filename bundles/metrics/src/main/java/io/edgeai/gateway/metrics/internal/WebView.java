package io.edgeai.gateway.metrics.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import io.edgeai.gateway.api.ModelRunner;
import io.edgeai.gateway.api.ModelState;
import io.edgeai.gateway.api.Pipeline;
import io.edgeai.gateway.api.PipelineStatus;

/**
 * The read-only web view under {@code /view} on the metrics endpoint (same address, same access): one page
 * ({@code view/index.html}, script and charts inline, nothing loaded from elsewhere) and two JSON resources it
 * polls: {@code /view/api/status} (pipelines with shadow comparisons, models, connections, health, the latest text
 * results) and {@code /view/api/series}
 * (the recent results of the series asked for and of those with the latest alarms, newer than a sequence
 * number). GET only; nothing on the page changes the gateway.
 */
final class WebView implements HttpHandler {
    /** Series charted without being asked for: those with the latest alarms. */
    static final int ALARMED_SHOWN = 6;
    /** Text results listed. */
    static final int TEXTS_SHOWN = 50;
    /** Series names listed for the picker at most. */
    static final int TOPICS_LISTED = 1000;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Supplier<GatewayServices> services;
    private final Function<String, Double> configuredThreshold;
    private final SeriesBuffer buffer;
    private final RecentTexts texts;
    private final Runnable watched;
    private final byte[] page;

    /**
     * @param services the gateway's services, read per request
     * @param configuredThreshold a pipeline's configured threshold by name, negative or null for the model's
     * @param buffer the recent anomaly results
     * @param texts the recent text results
     * @param watched told on every request for data: someone is looking
     */
    WebView(
            Supplier<GatewayServices> services,
            Function<String, Double> configuredThreshold,
            SeriesBuffer buffer,
            RecentTexts texts,
            Runnable watched) {
        this.watched = watched;
        this.services = services;
        this.configuredThreshold = configuredThreshold;
        this.buffer = buffer;
        this.texts = texts;
        try (InputStream in = WebView.class.getResourceAsStream("/view/index.html")) {
            if (in == null) {
                throw new IllegalStateException("view/index.html missing from the bundle");
            }
            this.page = in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("view/index.html unreadable", e);
        }
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())) {
                send(exchange, 405, "text/plain", "read-only: GET only".getBytes(StandardCharsets.UTF_8));
                return;
            }
            String path = exchange.getRequestURI().getPath();
            if (path.startsWith("/view/api/")) {
                watched.run();
            }
            switch (path) {
                case "/view", "/view/" -> send(exchange, 200, "text/html; charset=utf-8", page);
                case "/view/api/status" -> send(exchange, 200, "application/json", JSON.writeValueAsBytes(status()));
                case "/view/api/series" ->
                    send(
                            exchange,
                            200,
                            "application/json",
                            JSON.writeValueAsBytes(
                                    series(query(exchange.getRequestURI().getRawQuery()))));
                default -> send(exchange, 404, "text/plain", "not found".getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    /** Pipelines with their counters and threshold, model versions, connections and health. */
    Map<String, Object> status() {
        GatewayServices s = services.get();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("health", HealthCheck.body(HealthCheck.run(s)));
        List<Object> pipelines = new ArrayList<>();
        for (Pipeline p : s.pipelines()) {
            PipelineStatus st;
            try {
                st = p.status();
            } catch (RuntimeException e) {
                continue; // stopping
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("status", st);
            double threshold = threshold(s, st);
            entry.put("threshold", Double.isNaN(threshold) ? null : threshold);
            entry.put("shadow", p.shadowComparisons());
            pipelines.add(entry);
        }
        out.put("pipelines", pipelines);
        List<Object> models = new ArrayList<>();
        for (ModelState m : s.modelVersions()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", m.name());
            entry.put("version", m.version());
            entry.put("status", m.status().name());
            entry.put("provider", m.info() == null ? "" : m.info().provider());
            entry.put("detail", m.detail());
            models.add(entry);
        }
        out.put("models", models);
        List<Object> connections = new ArrayList<>();
        s.connections().forEach(c -> connections.add(c.status()));
        out.put("connections", connections);
        out.put("texts", texts.newestFirst());
        return out;
    }

    /** The threshold a pipeline's alarms use: its configured one, else its model's default; NaN when unknown. */
    private double threshold(GatewayServices s, PipelineStatus st) {
        Double configured = configuredThreshold.apply(st.name());
        if (configured != null && configured >= 0) {
            return configured;
        }
        for (ModelRunner m : s.models()) {
            if (m.info().id().equals(st.model())) {
                try {
                    return Double.parseDouble(m.info().property("threshold", "NaN"));
                } catch (NumberFormatException e) {
                    return Double.NaN;
                }
            }
        }
        return Double.NaN;
    }

    /** {@code {seq, topics[], alarmed[], series[]}}: the asked-for and the latest alarmed series' newer results. */
    Map<String, Object> series(Map<String, String> query) {
        long after = 0;
        try {
            after = Long.parseLong(query.getOrDefault("since", "0"));
        } catch (NumberFormatException e) {
            // from the start
        }
        Set<String> wanted = new LinkedHashSet<>();
        for (String t : query.getOrDefault("topics", "").split(",")) {
            if (!t.isBlank()) {
                wanted.add(t);
            }
        }
        List<String> alarmed = buffer.recentAlarms(ALARMED_SHOWN);
        wanted.addAll(alarmed);
        long seq = buffer.lastSeq();
        List<String> topics = buffer.topics();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("seq", seq);
        out.put("topics", topics.subList(Math.max(0, topics.size() - TOPICS_LISTED), topics.size()));
        out.put("alarmed", alarmed);
        out.put("series", buffer.read(new ArrayList<>(wanted), after));
        return out;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(
                        URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
