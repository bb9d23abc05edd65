package io.edgeai.gateway.lifecycle.internal;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

import io.edgeai.gateway.api.Ed25519Keys;

/**
 * Decides whether a command carries authority: addressed to this gateway, signed with Ed25519 by one of the
 * command keys, fresh (timestamp within the allowed age of the gateway's clock) and not seen before (nonce).
 * Topic access alone gives none. Thread-confined: the command thread only.
 */
final class CommandVerifier {
    private final String gatewayId;
    private final Map<String, PublicKey> keys;
    private final long maxAgeMillis;
    private final LongSupplier clock;
    /** Nonces of accepted commands and their timestamps, oldest first; kept for twice the allowed age. */
    private final Map<String, Long> seen = new LinkedHashMap<>();

    /**
     * @param gatewayId this gateway's id
     * @param keys base64 X.509 Ed25519 public keys, each entry may list several comma-separated
     * @param maxAgeMillis how far a command's timestamp may be from the clock
     * @param clock epoch milliseconds
     * @throws IllegalArgumentException naming a key that is not an Ed25519 public key
     */
    CommandVerifier(String gatewayId, String[] keys, long maxAgeMillis, LongSupplier clock) {
        this.gatewayId = gatewayId;
        this.keys = parse(keys);
        this.maxAgeMillis = maxAgeMillis;
        this.clock = clock;
    }

    int keyCount() {
        return keys.size();
    }

    /**
     * @param c the command
     * @param topicCommand the command named by the topic it arrived on
     * @throws CommandRefused with the reason when it carries no authority
     */
    void verify(SignedCommand c, String topicCommand) throws CommandRefused {
        if (!c.command().equals(topicCommand)) {
            throw new CommandRefused("command '" + c.command() + "' arrived on the topic of '" + topicCommand + "'");
        }
        if (!c.gateway().equals(gatewayId)) {
            throw new CommandRefused("addressed to gateway '" + c.gateway() + "', this is '" + gatewayId + "'");
        }
        if (keys.isEmpty()) {
            throw new CommandRefused("no command keys configured (edgeai.lifecycle commandKeys): commands are refused");
        }
        PublicKey key = keys.get(c.key());
        if (key == null) {
            throw new CommandRefused("signed by key '" + c.key() + "', not among the " + keys.size() + " command keys");
        }
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(c.signedBytes());
            if (!s.verify(Base64.getDecoder().decode(c.signature()))) {
                throw new CommandRefused("bad signature: it does not match the command's content");
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new CommandRefused("bad signature: " + e.getMessage());
        }
        long now = clock.getAsLong();
        long skew = Math.abs(now - c.ts());
        if (skew > maxAgeMillis) {
            throw new CommandRefused("stale: signed " + (skew / 1000) + " s from the gateway's clock, more than "
                    + (maxAgeMillis / 1000) + " s");
        }
        for (Iterator<Long> it = seen.values().iterator(); it.hasNext(); ) {
            if (it.next() < now - 2 * maxAgeMillis) {
                it.remove();
            } else {
                break;
            }
        }
        if (seen.containsKey(c.nonce())) {
            throw new CommandRefused("replayed: nonce " + c.nonce() + " was used before");
        }
        seen.put(c.nonce(), c.ts());
    }

    /** @return the key id tools/sign-model prints: first 16 hex digits of the SHA-256 of the X.509 encoding */
    static String keyId(PublicKey key) {
        return Ed25519Keys.keyId(key);
    }

    private static Map<String, PublicKey> parse(String[] keys) {
        return Ed25519Keys.parse("command key", keys);
    }
}
