package io.edgeai.gateway.lifecycle.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A remote command as it arrives: JSON with the fields below. The signature covers {@link #signedText()}, so
 * every field that decides what happens, where the answer goes, which gateway it is for, and when and once
 * it may be carried out is signed.
 *
 * @param command deploy, rollback, promote or detail
 * @param gateway the gateway it is for
 * @param model model name (rollback, promote); may be empty for deploy
 * @param artifact {@code mvn:} coordinate or {@code file:} URL of the model bundle (deploy)
 * @param sha256 hex SHA-256 of the artifact's bytes (deploy)
 * @param responseTopic where to answer; empty for {@code <root>/<gateway>/cmd/<command>/response}
 * @param nonce unique per command: a nonce seen before is refused as a replay
 * @param ts epoch milliseconds the command was signed at
 * @param key id of the signing key (first 16 hex digits of the SHA-256 of its X.509 encoding)
 * @param signature base64 Ed25519 signature of {@link #signedText()}
 * @param pipeline the pipeline asked (detail); empty for the model commands
 * @param series {@code <device>/<quantity>} asked (detail); empty for the model commands
 */
record SignedCommand(
        String command,
        String gateway,
        String model,
        String artifact,
        String sha256,
        String responseTopic,
        String nonce,
        long ts,
        String key,
        String signature,
        String pipeline,
        String series) {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** First line of the signed text; changes when the format does. */
    static final String FORMAT = "edgeai-command-v1";

    /** A model command: no pipeline, no series. */
    SignedCommand(
            String command,
            String gateway,
            String model,
            String artifact,
            String sha256,
            String responseTopic,
            String nonce,
            long ts,
            String key,
            String signature) {
        this(command, gateway, model, artifact, sha256, responseTopic, nonce, ts, key, signature, "", "");
    }

    /**
     * @param json the message payload
     * @return the command
     * @throws CommandRefused when it is not a JSON object with the required fields
     */
    static SignedCommand parse(byte[] json) throws CommandRefused {
        JsonNode n;
        try {
            n = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new CommandRefused("malformed: not JSON");
        }
        if (n == null || !n.isObject()) {
            throw new CommandRefused("malformed: not a JSON object");
        }
        if (!n.path("ts").canConvertToLong()) {
            throw new CommandRefused("malformed: ts (epoch milliseconds) missing");
        }
        SignedCommand c = new SignedCommand(
                text(n, "command"),
                text(n, "gateway"),
                text(n, "model"),
                text(n, "artifact"),
                text(n, "sha256"),
                text(n, "responseTopic"),
                text(n, "nonce"),
                n.get("ts").asLong(),
                text(n, "key"),
                text(n, "signature"),
                text(n, "pipeline"),
                text(n, "series"));
        for (String required : new String[] {"command", "gateway", "nonce", "signature"}) {
            if (n.path(required).asText("").isEmpty()) {
                throw new CommandRefused("malformed: " + required + " missing");
            }
        }
        return c;
    }

    private static String text(JsonNode n, String field) throws CommandRefused {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return "";
        }
        if (!v.isValueNode()) {
            throw new CommandRefused("malformed: " + field + " must be a string");
        }
        String s = v.asText();
        if (s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
            throw new CommandRefused("malformed: " + field + " contains a line break");
        }
        return s;
    }

    /**
     * @return the text the signature covers: the format line, then one {@code name=value} line per field; the lines
     *         {@code pipeline=} and {@code series=} follow only when either is set (the model commands' text is
     *         unchanged), so adding, dropping or changing either breaks the signature
     */
    String signedText() {
        String detail =
                pipeline.isEmpty() && series.isEmpty() ? "" : "pipeline=" + pipeline + "\n" + "series=" + series + "\n";
        return FORMAT + "\n"
                + "gateway=" + gateway + "\n"
                + "command=" + command + "\n"
                + "model=" + model + "\n"
                + "artifact=" + artifact + "\n"
                + "sha256=" + sha256 + "\n"
                + "responseTopic=" + responseTopic + "\n"
                + "nonce=" + nonce + "\n"
                + "ts=" + ts + "\n"
                + detail;
    }

    /** @return {@link #signedText()} as UTF-8 */
    byte[] signedBytes() {
        return signedText().getBytes(StandardCharsets.UTF_8);
    }
}
