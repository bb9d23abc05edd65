package io.edgeai.gateway.onnx.tools;

import java.nio.file.Path;
import java.util.Arrays;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.edgeai.gateway.api.TextEncoder;

/**
 * Prints the test vector of a text encoder for its {@code model.json}, computed by the gateway's own
 * {@code OrtTextEncoder} on the model as it will ship (e.g. the int8 file):
 *
 * <pre>
 * EncoderTestVector MODEL_DIR TEXT [VALUES]
 * </pre>
 *
 * Output, one JSON line: {@code {"ids":[...],"output":[...]}}: the token ids of TEXT and the first VALUES
 * (default 16) components of its pooled embedding.
 */
public final class EncoderTestVector {
    private EncoderTestVector() {}

    /** @param args see the class comment */
    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: EncoderTestVector MODEL_DIR TEXT [VALUES]");
            System.exit(2);
        }
        int values = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        ObjectMapper json = new ObjectMapper();
        try (LocalModels models = new LocalModels()) {
            TextEncoder enc = models.encoderFromDir(Path.of(args[0]));
            ObjectNode o = json.createObjectNode();
            ArrayNode ids = o.putArray("ids");
            Arrays.stream(enc.encode(args[1]).ids()).forEach(ids::add);
            ArrayNode out = o.putArray("output");
            float[] e = enc.embed(args[1]);
            for (int i = 0; i < Math.min(values, e.length); i++) {
                out.add(e[i]);
            }
            System.out.println(o);
        }
    }
}
