package io.edgeai.gateway.onnx.tools;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.edgeai.gateway.tokenize.Encoding;
import io.edgeai.gateway.tokenize.Tokenizer;

/**
 * Writes the token ids of every line of a JSONL file ({@code {"text":...}}), made by the gateway's own
 * tokenizer from a shipped encoder's {@code tokenizer.json}, so that an encoder fine-tuned on them sees the
 * ids it will see when serving:
 *
 * <pre>
 * ExportTokenIds ENCODER MAX_LENGTH IN_JSONL OUT_JSONL
 * </pre>
 *
 * One output line per input line, in order: {@code {"ids":[101,...,102]}} (special tokens included,
 * truncated to MAX_LENGTH tokens like the encoder truncates).
 */
public final class ExportTokenIds {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ExportTokenIds() {}

    /**
     * @param args see the class comment
     * @throws IOException when a file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            System.err.println("usage: ExportTokenIds ENCODER MAX_LENGTH IN_JSONL OUT_JSONL");
            System.exit(2);
        }
        Tokenizer tokenizer = LocalModels.tokenizer(args[0]);
        int maxLength = Integer.parseInt(args[1]);
        int lines = 0;
        int truncated = 0;
        try (BufferedWriter out = Files.newBufferedWriter(Path.of(args[3]))) {
            for (String line : Files.readAllLines(Path.of(args[2]))) {
                if (line.isBlank()) {
                    continue;
                }
                String text = JSON.readTree(line).path("text").asText();
                Encoding e = tokenizer.encode(text, maxLength);
                if (tokenizer.encode(text).length() > e.length()) {
                    truncated++;
                }
                ObjectNode o = JSON.createObjectNode();
                ArrayNode ids = o.putArray("ids");
                for (int id : e.ids()) {
                    ids.add(id);
                }
                out.write(JSON.writeValueAsString(o));
                out.newLine();
                lines++;
            }
        }
        System.out.printf("%s: %d lines, %d truncated to %d tokens%n", args[3], lines, truncated, maxLength);
    }
}
