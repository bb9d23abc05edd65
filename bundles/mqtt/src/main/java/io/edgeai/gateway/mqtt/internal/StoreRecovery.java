package io.edgeai.gateway.mqtt.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads back what a previous run left in a store's directory: every record in a segment that is not in the
 * acknowledgement log and not expired is to be sent again, in the order written. A message the broker got
 * but whose PUBACK was not yet logged is thus sent twice (at least once). Segments left with nothing to send
 * are deleted; a torn record at a segment's end is cut off (its whenSafe had not run, so its input was not
 * acknowledged either).
 */
final class StoreRecovery {
    /**
     * @param entries the messages to send again, oldest first; their payloads stay on disk
     * @param live how many of them each segment holds
     * @param active the segment new records go to
     * @param nextSeq the sequence number of the next new record
     * @param expired records dropped because their time to live ran out
     */
    record Result(List<StoredMessage> entries, Map<Integer, Integer> live, int active, long nextSeq, long expired) {}

    private static final Logger LOG = LoggerFactory.getLogger(StoreRecovery.class);

    private StoreRecovery() {}

    /**
     * @param name connection name, for logs
     * @param directory the store's directory
     * @param segments its segment files
     * @param now the current time, against which expiry is judged
     */
    static Result run(String name, Path directory, SegmentLog segments, long now) throws IOException {
        AckLog.Acked acked = AckLog.read(directory);
        long[] maxSeq = {acked.maxSeq()};
        long[] expired = {0};
        List<StoredMessage> entries = new ArrayList<>();
        Map<Integer, Integer> live = new HashMap<>();
        int active = 0;
        for (int s : segments.segments()) {
            int before = entries.size();
            segments.scan(s, r -> {
                maxSeq[0] = Math.max(maxSeq[0], r.seq());
                if (acked.seqs().contains(r.seq())) {
                    return;
                }
                if (r.expiresAt() < now) {
                    expired[0]++;
                } else {
                    entries.add(new StoredMessage(
                            r.seq(),
                            r.priority() > 0 ? 1 : 0,
                            r.qos(),
                            r.retained(),
                            r.topic(),
                            r.expiresAt(),
                            r.segment(),
                            r.pos(),
                            r.length(),
                            r.payloadLength(),
                            null));
                }
            });
            int n = entries.size() - before;
            if (n == 0) {
                segments.delete(s);
            } else {
                live.put(s, n);
            }
            active = s + 1;
        }
        if (!entries.isEmpty()) {
            LOG.info("Publish store of {}: {} messages from before the restart are queued again", name, entries.size());
        }
        return new Result(entries, live, active, maxSeq[0] + 1, expired[0]);
    }
}
