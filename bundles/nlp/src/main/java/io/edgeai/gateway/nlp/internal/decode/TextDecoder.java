package io.edgeai.gateway.nlp.internal.decode;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Payload to text: a JSON object with a text field ({@code {"text":"..."}}) or, when the payload does not
 * start with <code>{</code>, the whole payload as UTF-8. Rejects invalid UTF-8, invalid JSON, a missing or
 * non-text field, empty text and text longer than the limit.
 *
 * @param textField JSON field holding the text
 * @param maxTextLength most characters (UTF-16 units) accepted
 */
public record TextDecoder(String textField, int maxTextLength) {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * @param payload the message bytes
     * @return the text, stripped of surrounding whitespace
     * @throws RejectedTextException with the reason
     */
    public String decode(byte[] payload) throws RejectedTextException {
        String raw;
        try {
            raw = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(payload))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new RejectedTextException("not-utf8", "payload is not valid UTF-8");
        }
        String text = raw.strip();
        if (text.startsWith("{")) {
            text = fromJson(text);
        }
        if (text.isEmpty()) {
            throw new RejectedTextException("empty", "text is empty");
        }
        if (text.length() > maxTextLength) {
            throw new RejectedTextException(
                    "too-long", "text of " + text.length() + " characters exceeds max.text.length " + maxTextLength);
        }
        return text;
    }

    private String fromJson(String json) throws RejectedTextException {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new RejectedTextException(
                    "not-json", "payload starts with '{' but is not valid JSON: " + e.getOriginalMessage());
        }
        JsonNode t = root.get(textField);
        if (t == null || t.isNull()) {
            throw new RejectedTextException("missing-field", "JSON payload has no '" + textField + "' field");
        }
        if (!t.isTextual()) {
            throw new RejectedTextException(
                    "wrong-type", "field '" + textField + "' is " + t.getNodeType() + ", not a string");
        }
        return t.asText().strip();
    }
}
