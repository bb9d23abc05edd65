package io.edgeai.gateway.pipeline.internal.decode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.tahu.protobuf.SparkplugBProto.Payload;
import org.eclipse.tahu.protobuf.SparkplugBProto.Payload.Metric;

import com.google.protobuf.InvalidProtocolBufferException;

/**
 * Sparkplug B payloads (format {@code sparkplug-b}) on topics
 * {@code spBv1.0/<group>/<NBIRTH|NDATA|DBIRTH|DDATA>/<edge node>[/<device>]}, parsed with Eclipse Tahu's
 * protobuf classes. Each numeric metric becomes a reading: device = the Sparkplug device (or the edge node
 * for node messages), quantity = the metric name; time = the metric's timestamp, else the payload's, else
 * the receive time. Birth certificates declare metric aliases; data messages that send only an alias are
 * resolved with them. Death certificates, commands and STATE carry nothing to score (no readings); boolean,
 * string, data set and template metrics, null and historical values are skipped.
 */
public final class SparkplugDecoder implements PayloadDecoder {
    /** Bound on remembered edge nodes/devices, so a flood of fake births cannot fill the heap. */
    private static final int MAX_SOURCES = 10_000;

    private final int maxPayloadBytes;
    private final int maxBatch;
    /** Metric names by alias, per edge node or device (topic without the message type). */
    private final Map<String, Map<Long, String>> aliases = new HashMap<>();

    /**
     * @param maxPayloadBytes payloads longer than this are rejected unread
     * @param maxBatch most metrics per payload
     */
    public SparkplugDecoder(int maxPayloadBytes, int maxBatch) {
        this.maxPayloadBytes = maxPayloadBytes;
        this.maxBatch = maxBatch;
    }

    @Override
    public List<Reading> decodeAll(String topic, byte[] payload, long receivedMillis) throws RejectedInputException {
        String[] l = topic.split("/", -1);
        if (l.length < 4 || !l[0].equals("spBv1.0")) {
            if (l.length >= 2 && l[0].equals("spBv1.0") && l[1].equals("STATE")) {
                return List.of(); // host application state, not a payload of metrics
            }
            throw new RejectedInputException(
                    "bad-topic", "topic '" + topic + "' is not spBv1.0/<group>/<type>/<node>" + "[/<device>]");
        }
        if (l.length > 5 || Arrays.asList(l).contains("")) {
            // an empty device or node level would publish results under an empty topic level
            throw new RejectedInputException(
                    "bad-topic",
                    "topic '" + topic + "' is not spBv1.0/<group>/<type>/<node>" + "[/<device>] with non-empty levels");
        }
        String type = l[2];
        boolean birth = type.equals("NBIRTH") || type.equals("DBIRTH");
        if (!birth && !type.equals("NDATA") && !type.equals("DDATA")) {
            return List.of(); // NDEATH, DDEATH, NCMD, DCMD
        }
        String device = PayloadDecoder.checkLength(l.length >= 5 ? l[4] : l[3], "bad-topic", "device id");
        String source = l[1] + "/" + l[3] + (l.length >= 5 ? "/" + l[4] : "");
        if (payload.length > maxPayloadBytes) {
            throw new RejectedInputException(
                    "oversize",
                    "payload of " + payload.length + " bytes exceeds the limit of " + maxPayloadBytes + " bytes");
        }
        Payload p;
        try {
            p = Payload.parseFrom(payload);
        } catch (InvalidProtocolBufferException e) {
            throw new RejectedInputException(
                    "not-sparkplug", "payload is not a Sparkplug B protobuf: " + e.getMessage());
        }
        PayloadDecoder.checkBatch(p.getMetricsCount(), maxBatch);
        Map<Long, String> known = birth ? declare(source) : aliases.getOrDefault(source, Map.of());
        long payloadTime = p.hasTimestamp() ? p.getTimestamp() : receivedMillis;
        List<Reading> out = new ArrayList<>();
        for (Metric m : p.getMetricsList()) {
            String name = m.hasName() && !m.getName().isEmpty() ? m.getName() : null;
            if (birth && name != null && m.hasAlias()) {
                known.put(m.getAlias(), name);
            }
            if (name == null && m.hasAlias()) {
                name = known.get(m.getAlias());
                if (name == null) {
                    throw new RejectedInputException(
                            "unknown-alias",
                            "metric alias " + m.getAlias() + " of " + source
                                    + " was not declared in a birth certificate");
                }
            }
            if (name == null || m.getIsNull() || m.getIsHistorical()) {
                continue;
            }
            Double value = numeric(m);
            if (value == null) {
                continue;
            }
            if (!Double.isFinite(value)) {
                throw new RejectedInputException("not-finite", "metric '" + name + "' is not a finite number");
            }
            long t = m.hasTimestamp() ? m.getTimestamp() : payloadTime;
            PayloadDecoder.checkLength(name, "bad-name", "metric name");
            out.add(new Reading(
                    device,
                    PayloadDecoder.topicLevel(name),
                    Instant.ofEpochMilli(t).toString(),
                    t,
                    value));
        }
        return out;
    }

    /** A birth certificate starts the alias table of its source afresh. */
    private Map<Long, String> declare(String source) {
        if (aliases.size() >= MAX_SOURCES && !aliases.containsKey(source)) {
            aliases.clear();
        }
        Map<Long, String> fresh = new HashMap<>();
        aliases.put(source, fresh);
        return fresh;
    }

    /**
     * Sparkplug B data types (specification 3.0, section 6.4.16): Int8..Int32 = 1..3 and UInt8..UInt32 =
     * 5..7 travel in {@code int_value}, Int64 = 4 and UInt64 = 8 in {@code long_value}, Float = 9, Double = 10.
     *
     * @return the value, null for a non-numeric metric
     */
    private static Double numeric(Metric m) {
        switch (m.getValueCase()) {
            case INT_VALUE:
                return m.getDatatype() == 7
                        ? (double) Integer.toUnsignedLong(m.getIntValue())
                        : m.getDatatype() == 1
                                ? (double) (byte) m.getIntValue()
                                : m.getDatatype() == 2 ? (double) (short) m.getIntValue() : (double) m.getIntValue();
            case LONG_VALUE:
                return m.getDatatype() == 8
                        ? Double.parseDouble(Long.toUnsignedString(m.getLongValue()))
                        : (double) m.getLongValue();
            case FLOAT_VALUE:
                return (double) m.getFloatValue();
            case DOUBLE_VALUE:
                return m.getDoubleValue();
            default:
                return null;
        }
    }
}
