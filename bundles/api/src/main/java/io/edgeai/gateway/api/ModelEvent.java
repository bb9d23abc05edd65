package io.edgeai.gateway.api;

import java.util.Objects;

/**
 * A change in the model runtime that operators and remote tools want to hear about.
 *
 * @param type what happened
 * @param name model name
 * @param version the version the event is about
 * @param previousVersion the version that served before, for swaps; empty otherwise
 * @param detail the reason of a refusal, or a short note; empty when none
 * @param epochMillis when it happened
 */
public record ModelEvent(
        Type type, String name, String version, String previousVersion, String detail, long epochMillis) {
    /** What happened to a model version. */
    public enum Type {
        /** Loaded, checked against its descriptor and warmed up. */
        LOADED,
        /** Refused (corrupt, wrong shapes, checksum, test vector, signature); the detail says why. */
        REFUSED,
        /** Now serves by default, replacing {@code previousVersion} (empty for the first one). */
        SWAPPED,
        /** An operator rolled back from {@code previousVersion} to this version. */
        ROLLED_BACK,
        /** An operator promoted this shadow candidate; it now serves instead of {@code previousVersion}. */
        PROMOTED,
        /** Became the shadow candidate: it scores live traffic without publishing. */
        SHADOW,
        /** Stopped being the shadow candidate without being promoted. */
        SHADOW_ENDED,
        /** No loadable version of the model is left; {@code version} is the one that served last. */
        UNAVAILABLE,
        /**
         * The bundle of a version was stopped or uninstalled and the version is no longer listed (when it
         * served, the {@link #SWAPPED} or {@link #UNAVAILABLE} event of that change comes first).
         *
         * @since 1.4
         */
        REMOVED
    }

    /** Validates and normalises empty strings. */
    public ModelEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
        version = version == null ? "" : version;
        previousVersion = previousVersion == null ? "" : previousVersion;
        detail = detail == null ? "" : detail;
    }
}
