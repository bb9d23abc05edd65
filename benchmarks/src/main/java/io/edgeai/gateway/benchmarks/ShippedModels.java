package io.edgeai.gateway.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The shipped model bundles on the class path (each has {@code model/model.json} next to its files). */
final class ShippedModels {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ShippedModels() {}

    /** A model bundle's descriptor and where its files are. */
    record Model(String name, JsonNode descriptor, URL base) {
        byte[] file(String key) {
            return read(url(descriptor.path(key).asText()));
        }

        URL url(String relative) {
            try {
                return new URL(base, relative);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        boolean isEncoder() {
            return descriptor.has("tokenizer");
        }
    }

    /** @return every model bundle on the class path, by name, in class-path order */
    static Map<String, Model> all() {
        Map<String, Model> out = new LinkedHashMap<>();
        try {
            for (URL url : Collections.list(ShippedModels.class.getClassLoader().getResources("model/model.json"))) {
                JsonNode d = JSON.readTree(read(url));
                out.put(d.path("name").asText(), new Model(d.path("name").asText(), d, url));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /**
     * @param name model name
     * @return its bundle
     * @throws IllegalArgumentException when it is not on the class path
     */
    static Model get(String name) {
        Model m = all().get(name);
        if (m == null) {
            throw new IllegalArgumentException("no model " + name + " on the class path");
        }
        return m;
    }

    /**
     * @param file JSON lines with a {@code text} field
     * @param max at most this many
     * @return the texts
     */
    static List<String> texts(Path file, int max) {
        List<String> texts = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (texts.size() >= max) {
                    break;
                }
                String t = JSON.readTree(line).path("text").asText();
                if (!t.isBlank()) {
                    texts.add(t);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return texts;
    }

    static byte[] read(URL url) {
        try (InputStream in = url.openStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
