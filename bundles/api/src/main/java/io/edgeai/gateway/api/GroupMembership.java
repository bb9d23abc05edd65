package io.edgeai.gateway.api;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The live members of this gateway's group, as the broker tells them: every gateway of a group publishes a
 * retained birth message (and leaves a last will) on its status topic naming its group, so each member
 * builds the same view from MQTT alone. Keys (e.g. input topics) are assigned to members by rendezvous
 * (highest random weight) hashing: when a member dies or joins only the keys it owned, or now owns, move.
 */
@ProviderType
public interface GroupMembership {
    /** @return the group's name, never empty */
    String group();

    /** @return this member's id (its MQTT client id) */
    String self();

    /** @return the live members' ids, sorted, this member included */
    List<String> members();

    /**
     * @param key e.g. an input topic
     * @return the id of the live member that owns the key (rendezvous hashing over {@link #members()})
     */
    String ownerOf(String key);

    /** @return a number that changes whenever {@link #members()} does (for cheap change detection) */
    long epoch();

    /**
     * @param key e.g. an input topic
     * @return whether this member owns the key
     */
    default boolean owns(String key) {
        return self().equals(ownerOf(key));
    }
}
