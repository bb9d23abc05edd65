package io.edgeai.gateway.nlp.tools;

import java.io.BufferedWriter;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.edgeai.gateway.api.TextEncoder;
import io.edgeai.gateway.api.TokenEmbeddings;
import io.edgeai.gateway.onnx.tools.LocalModels;
import io.edgeai.gateway.tokenize.Encoding;

/**
 * Exports the features the NLP heads are trained on, through the gateway's own tokenizer and encoders
 * (one text per {@code session.run}, exactly as the text pipeline runs them):
 *
 * <pre>
 * ExportNlpFeatures DATA_DIR OUT_DIR ENCODER[,ENCODER...] TOKEN_ENCODER [DATASET,... [SPLIT,...]]
 * </pre>
 *
 * The optional lists restrict the data sets and splits (default: all present), e.g. {@code clinc150 train,val}
 * for a head whose threshold is chosen on validation without touching the test split.
 *
 * For every encoder, data set ({@code clinc150}, {@code hwu64}, {@code snips}) and split present it
 * writes {@code ENCODER.DATASET.SPLIT.pooled.f32}: the pooled, normalised embedding of each line, as
 * little-endian float32 rows. For TOKEN_ENCODER and {@code snips} it also writes the per-token states
 * ({@code .tokens.f32}) and one JSON line per sentence with its tokens and character spans
 * ({@code .tokens.jsonl}; special tokens have a {@code null} span).
 */
public final class ExportNlpFeatures {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] DATASETS = {"clinc150", "hwu64", "snips"};
    private static final String[] SPLITS = {"train", "val", "test"};

    private ExportNlpFeatures() {}

    /**
     * @param args see the class comment
     * @throws IOException when a file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 4 || args.length > 6) {
            System.err.println("usage: ExportNlpFeatures DATA_DIR OUT_DIR ENCODER[,ENCODER...] TOKEN_ENCODER"
                    + " [DATASET,... [SPLIT,...]]");
            System.exit(2);
        }
        String[] datasets = args.length > 4 ? args[4].split(",") : DATASETS;
        String[] splits = args.length > 5 ? args[5].split(",") : SPLITS;
        Path data = Path.of(args[0]);
        Path out = Path.of(args[1]);
        Files.createDirectories(out);
        for (String name : args[2].split(",")) {
            try (LocalModels models = new LocalModels()) {
                TextEncoder enc = models.encoder(name);
                for (String ds : datasets) {
                    for (String split : splits) {
                        Path in = data.resolve(ds).resolve(split + ".jsonl");
                        if (!Files.exists(in)) {
                            continue;
                        }
                        long start = System.nanoTime();
                        List<String> texts = texts(in);
                        String prefix = name + "." + ds + "." + split;
                        try (DataOutputStream pooled = F32.open(out.resolve(prefix + ".pooled.f32"))) {
                            for (String t : texts) {
                                F32.write(pooled, enc.embed(t));
                            }
                        }
                        if (name.equals(args[3]) && ds.equals("snips")) {
                            tokens(enc, texts, out, prefix);
                        }
                        System.out.printf(
                                "%s: %d texts in %.1f s%n", prefix, texts.size(), (System.nanoTime() - start) / 1e9);
                    }
                }
            }
        }
    }

    private static void tokens(TextEncoder enc, List<String> texts, Path out, String prefix) throws IOException {
        try (DataOutputStream vectors = F32.open(out.resolve(prefix + ".tokens.f32"));
                BufferedWriter index = Files.newBufferedWriter(out.resolve(prefix + ".tokens.jsonl"))) {
            for (String t : texts) {
                TokenEmbeddings te = enc.embedTokens(t);
                Encoding e = te.encoding();
                ObjectNode line = JSON.createObjectNode();
                line.put("n", e.length());
                ArrayNode toks = line.putArray("tokens");
                ArrayNode spans = line.putArray("spans");
                for (int i = 0; i < e.length(); i++) {
                    toks.add(e.tokens()[i]);
                    if (e.isSpecial(i)) {
                        spans.addNull();
                    } else {
                        spans.addArray().add(e.start()[i]).add(e.end()[i]);
                    }
                    F32.write(vectors, te.vectors()[i]);
                }
                index.write(JSON.writeValueAsString(line));
                index.newLine();
            }
        }
    }

    private static List<String> texts(Path jsonl) throws IOException {
        List<String> texts = new ArrayList<>();
        for (String line : Files.readAllLines(jsonl)) {
            if (!line.isBlank()) {
                texts.add(JSON.readTree(line).path("text").asText());
            }
        }
        return texts;
    }
}
