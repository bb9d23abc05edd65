package io.edgeai.gateway.pipeline.internal.decode;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Raw little-endian IEEE 754 float32 arrays (format {@code float32-le}), as microcontrollers send sample
 * buffers: topic {@code <prefix>/<device>/<quantity>}, payload 4 bytes per value, no header. The values are
 * consecutive samples of the one series, in order, all stamped with the receive time.
 */
public final class Float32Decoder implements PayloadDecoder {
    private final int maxPayloadBytes;
    private final int maxBatch;

    /**
     * @param maxPayloadBytes payloads longer than this are rejected unread
     * @param maxBatch most values per message
     */
    public Float32Decoder(int maxPayloadBytes, int maxBatch) {
        this.maxPayloadBytes = maxPayloadBytes;
        this.maxBatch = maxBatch;
    }

    @Override
    public List<Reading> decodeAll(String topic, byte[] payload, long receivedMillis) throws RejectedInputException {
        String[] dq = ReadingDecoder.deviceAndQuantity(topic);
        if (payload.length > maxPayloadBytes) {
            throw new RejectedInputException(
                    "oversize",
                    "payload of " + payload.length + " bytes exceeds the limit of " + maxPayloadBytes + " bytes");
        }
        if (payload.length == 0) {
            throw new RejectedInputException("empty", "payload is empty");
        }
        if (payload.length % Float.BYTES != 0) {
            throw new RejectedInputException(
                    "bad-length",
                    "payload of " + payload.length + " bytes is not a whole "
                            + "number of float32 values (4 bytes each)");
        }
        int n = payload.length / Float.BYTES;
        PayloadDecoder.checkBatch(n, maxBatch);
        ByteBuffer buf = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
        String ts = Instant.ofEpochMilli(receivedMillis).toString();
        List<Reading> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float v = buf.getFloat();
            if (!Float.isFinite(v)) {
                throw new RejectedInputException("not-finite", "value " + i + " is not a finite number");
            }
            out.add(new Reading(dq[0], dq[1], ts, receivedMillis, v));
        }
        return out;
    }
}
