package io.edgeai.gateway.pipeline.internal.decode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Decodes a reading from a topic {@code <prefix>/<device>/<quantity>} and a payload that is either a
 * JSON object ({@code {"ts":"2014-02-14T14:30:00","value":83.2}}) or a bare number ({@code 83.2}).
 * The value and timestamp fields are field names, or JSON pointers (RFC 6901) when they start with
 * {@code /}, e.g. {@code /sensor/temperature/value} (then the root may also be an array).
 * Everything else is rejected with a reason: oversize, not UTF-8, not JSON, missing or non-numeric
 * value, NaN or infinite value, unparseable timestamp.
 */
public final class ReadingDecoder implements PayloadDecoder {
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();
    private static final DateTimeFormatter SPACE_LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSSSSS]");

    private final int maxPayloadBytes;
    private final String valueField;
    private final String tsField;

    /**
     * @param maxPayloadBytes payloads longer than this are rejected unread
     * @param valueField JSON field holding the value
     * @param tsField JSON field holding the timestamp
     */
    public ReadingDecoder(int maxPayloadBytes, String valueField, String tsField) {
        this.maxPayloadBytes = maxPayloadBytes;
        this.valueField = valueField;
        this.tsField = tsField;
    }

    @Override
    public List<Reading> decodeAll(String topic, byte[] payload, long receivedMillis) throws RejectedInputException {
        return List.of(decode(topic, payload, receivedMillis));
    }

    /**
     * @param topic {@code <prefix>/<device>/<quantity>}
     * @return device and quantity, the topic's last two levels
     * @throws RejectedInputException when the topic has fewer levels
     */
    static String[] deviceAndQuantity(String topic) throws RejectedInputException {
        String[] levels = topic.split("/", -1);
        if (levels.length < 3 || levels[levels.length - 2].isEmpty() || levels[levels.length - 1].isEmpty()) {
            throw new RejectedInputException("bad-topic", "topic '" + topic + "' is not <prefix>/<device>/<quantity>");
        }
        return new String[] {
            PayloadDecoder.checkLength(levels[levels.length - 2], "bad-topic", "device id"),
            PayloadDecoder.checkLength(levels[levels.length - 1], "bad-topic", "quantity")
        };
    }

    /** A plain field name, or a JSON pointer when it starts with '/'; null when absent. */
    private static JsonNode field(JsonNode root, String field) {
        JsonNode n = field.startsWith("/") ? root.at(field) : root.get(field);
        return n == null || n.isMissingNode() ? null : n;
    }

    /**
     * @param topic the topic the reading came on
     * @param payload the payload
     * @param receivedMillis receive time, used when the payload carries no timestamp
     * @return the reading
     * @throws RejectedInputException with a reason when the input cannot be used
     */
    public Reading decode(String topic, byte[] payload, long receivedMillis) throws RejectedInputException {
        String[] dq = deviceAndQuantity(topic);
        String device = dq[0];
        String quantity = dq[1];
        if (payload.length > maxPayloadBytes) {
            throw new RejectedInputException(
                    "oversize",
                    "payload of " + payload.length + " bytes exceeds the limit of " + maxPayloadBytes + " bytes");
        }
        String text = utf8(payload).strip();
        if (text.isEmpty()) {
            throw new RejectedInputException("empty", "payload is empty");
        }
        JsonNode root;
        try (JsonParser p = MAPPER.createParser(text)) {
            root = MAPPER.readTree(p);
            if (p.nextToken() != null) {
                throw new RejectedInputException("not-json", "payload has trailing content after the JSON value");
            }
        } catch (IOException e) {
            throw new RejectedInputException("not-json", "payload is not JSON: " + firstLine(e.getMessage()));
        }
        if (root == null) {
            throw new RejectedInputException("not-json", "payload is not JSON");
        }
        if (root.isNumber()) {
            return new Reading(
                    device,
                    quantity,
                    Instant.ofEpochMilli(receivedMillis).toString(),
                    receivedMillis,
                    finite(root.asDouble()));
        }
        if (!root.isObject() && !(valueField.startsWith("/") && root.isArray())) {
            throw new RejectedInputException(
                    "wrong-type",
                    "payload must be a JSON object or a number, got "
                            + root.getNodeType().toString().toLowerCase());
        }
        JsonNode v = field(root, valueField);
        if (v == null || v.isNull()) {
            throw new RejectedInputException("missing-field", "field '" + valueField + "' is missing");
        }
        if (!v.isNumber()) {
            throw new RejectedInputException(
                    "wrong-type",
                    "field '" + valueField + "' must be a number, got "
                            + v.getNodeType().toString().toLowerCase());
        }
        double value = finite(v.asDouble());
        JsonNode t = field(root, tsField);
        if (t == null || t.isNull()) {
            return new Reading(
                    device, quantity, Instant.ofEpochMilli(receivedMillis).toString(), receivedMillis, value);
        }
        if (t.isNumber()) {
            return new Reading(device, quantity, t.asText(), t.asLong(), value);
        }
        if (!t.isTextual()) {
            throw new RejectedInputException("wrong-type", "field '" + tsField + "' must be a string or epoch millis");
        }
        return new Reading(device, quantity, t.asText(), parseTime(t.asText()), value);
    }

    private static double finite(double v) throws RejectedInputException {
        if (!Double.isFinite(v)) {
            throw new RejectedInputException("not-finite", "value is not a finite number");
        }
        return v;
    }

    private String utf8(byte[] payload) throws RejectedInputException {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(payload))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new RejectedInputException("not-utf8", "payload is not valid UTF-8");
        }
    }

    /**
     * Parses ISO-8601 with or without offset, and NAB's {@code yyyy-MM-dd HH:mm:ss}; local times are UTC.
     *
     * @param ts the text
     * @return epoch milliseconds
     * @throws RejectedInputException when none of the formats fit
     */
    public static long parseTime(String ts) throws RejectedInputException {
        try {
            if (ts.length() > 10 && ts.charAt(10) == ' ') {
                return LocalDateTime.parse(ts, SPACE_LOCAL)
                        .toInstant(ZoneOffset.UTC)
                        .toEpochMilli();
            }
            if (ts.endsWith("Z") || ts.matches(".*[+-]\\d\\d:?\\d\\d$")) {
                return OffsetDateTime.parse(ts).toInstant().toEpochMilli();
            }
            return LocalDateTime.parse(ts).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new RejectedInputException("bad-timestamp", "timestamp '" + abbreviate(ts) + "' is not ISO-8601");
        } catch (DateTimeException | ArithmeticException e) {
            // e.g. year +999999999: valid ISO-8601, but not a long of epoch milliseconds
            throw new RejectedInputException("bad-timestamp", "timestamp '" + abbreviate(ts) + "' is out of range");
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
