package io.edgeai.gateway.nlp.tools;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.edgeai.gateway.api.TextEncoder;
import io.edgeai.gateway.api.TokenEmbeddings;
import io.edgeai.gateway.onnx.tools.LocalModels;
import io.edgeai.gateway.tokenize.Encoding;

/**
 * Exports encoder features for training small head models outside the gateway, through the gateway's own
 * tokenizer and encoder: sentence embeddings with intent labels, and per-token vectors with BIO tags
 * derived from the entity character spans (every piece of a word carries the word's tag).
 *
 * <pre>
 * ExportHeadData ENCODER INTENT_JSONL[,MORE.jsonl] INTENT_PREFIX SLOT_TYPES OUT_DIR
 * </pre>
 * Lines of the JSONL files whose intent starts with INTENT_PREFIX are used, plus lines with intent
 * {@code oos} (taken as the out-of-scope class); SLOT_TYPES is a comma list of entity types to tag.
 * Writes {@code intent.f32}/{@code slots.f32} (little-endian float32 rows) and {@code meta.json}.
 */
public final class ExportHeadData {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ExportHeadData() {}

    /**
     * @param args see the class comment
     * @throws IOException when a file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 5) {
            System.err.println("usage: ExportHeadData ENCODER INTENT_JSONL[,MORE] INTENT_PREFIX SLOT_TYPES OUT_DIR");
            System.exit(2);
        }
        List<String> slotTypes = List.of(args[3].split(","));
        Path out = Path.of(args[4]);
        Files.createDirectories(out);
        List<String> tags = new ArrayList<>(List.of("O"));
        for (String t : slotTypes) {
            tags.add("B-" + t);
            tags.add("I-" + t);
        }
        Map<String, Integer> intents = new LinkedHashMap<>();
        List<Integer> intentLabels = new ArrayList<>();
        List<Integer> tagLabels = new ArrayList<>();
        try (LocalModels models = new LocalModels();
                DataOutputStream sent = F32.open(out.resolve("intent.f32"));
                DataOutputStream tok = F32.open(out.resolve("slots.f32"))) {
            TextEncoder enc = models.encoder(args[0]);
            for (String file : args[1].split(",")) {
                for (String line : Files.readAllLines(Path.of(file))) {
                    JsonNode n = JSON.readTree(line);
                    String intent = n.path("intent").asText();
                    if (!intent.startsWith(args[2]) && !intent.equals("oos")) {
                        continue;
                    }
                    String text = n.path("text").asText();
                    intentLabels.add(intents.computeIfAbsent(intent, k -> intents.size()));
                    F32.write(sent, enc.embed(text));
                    if (intent.equals("oos")) {
                        continue;
                    }
                    TokenEmbeddings te = enc.embedTokens(text);
                    int[] tagOf = tags(te.encoding(), n.path("entities"), slotTypes, tags);
                    for (int i = 0; i < tagOf.length; i++) {
                        if (!te.encoding().isSpecial(i)) {
                            F32.write(tok, te.vectors()[i]);
                            tagLabels.add(tagOf[i]);
                        }
                    }
                }
            }
            ObjectNode meta = JSON.createObjectNode();
            meta.put("encoder", enc.info().name());
            meta.put("dimension", enc.dimension());
            meta.putPOJO("intents", new ArrayList<>(intents.keySet()));
            meta.putPOJO("intentLabels", intentLabels);
            meta.putPOJO("tags", tags);
            meta.putPOJO("tagLabels", tagLabels);
            JSON.writeValue(out.resolve("meta.json").toFile(), meta);
        }
        System.out.println(intentLabels.size() + " sentences, " + tagLabels.size() + " tokens -> " + out);
    }

    /** BIO tag per token: a word inside an entity span is B- at the span start, I- after it. */
    private static int[] tags(Encoding e, JsonNode entities, List<String> types, List<String> tags) {
        int[] out = new int[e.length()];
        for (JsonNode ent : entities) {
            int type = types.indexOf(ent.path("type").asText());
            if (type < 0) {
                continue;
            }
            int s = ent.path("start").asInt();
            int end = ent.path("end").asInt();
            int firstWord = -1;
            for (int i = 0; i < e.length(); i++) {
                if (e.isSpecial(i) || e.start()[i] < s || e.end()[i] > end) {
                    continue;
                }
                if (firstWord < 0) {
                    firstWord = e.wordIds()[i];
                }
                out[i] = e.wordIds()[i] == firstWord
                        ? tags.indexOf("B-" + types.get(type))
                        : tags.indexOf("I-" + types.get(type));
            }
        }
        return out;
    }
}
