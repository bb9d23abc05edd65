package io.edgeai.gateway.mqtt.internal.group;

import java.nio.charset.StandardCharsets;
import java.util.Collection;

/**
 * Rendezvous (highest random weight) hashing: a key belongs to the member whose hash with the key is
 * highest. Every member computes the same owner from the same member list, without coordination; when a
 * member leaves only its keys move (each to its second choice), when one joins only the keys it now wins
 * move to it. The hash is FNV-1a (64 bit) with a SplitMix64 finaliser: fixed, so all JVMs agree.
 */
public final class Rendezvous {
    private Rendezvous() {}

    /**
     * @param members live member ids
     * @param key the key
     * @return the owner, or null when there are no members
     */
    public static String owner(Collection<String> members, String key) {
        String best = null;
        long bestWeight = 0;
        for (String m : members) {
            long w = weight(m, key);
            // ties (practically never) go to the smaller id, so the order of the collection does not matter
            if (best == null || Long.compareUnsigned(w, bestWeight) > 0 || (w == bestWeight && m.compareTo(best) < 0)) {
                best = m;
                bestWeight = w;
            }
        }
        return best;
    }

    /**
     * @param member member id
     * @param key key
     * @return the member's weight for the key
     */
    static long weight(String member, String key) {
        long h = 0xcbf29ce484222325L;
        h = fnv(h, member.getBytes(StandardCharsets.UTF_8));
        h = (h ^ 0xff) * 0x100000001b3L; // separator no id or key byte can produce
        h = fnv(h, key.getBytes(StandardCharsets.UTF_8));
        h ^= h >>> 30;
        h *= 0xbf58476d1ce4e5b9L;
        h ^= h >>> 27;
        h *= 0x94d049bb133111ebL;
        return h ^ (h >>> 31);
    }

    private static long fnv(long seed, byte[] bytes) {
        long h = seed;
        for (byte b : bytes) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }
}
