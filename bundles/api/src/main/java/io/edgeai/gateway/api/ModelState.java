package io.edgeai.gateway.api;

/**
 * What the runtime knows of one model version found in a model bundle: serving, retired, or refused
 * and why.
 *
 * @param name model name (from the descriptor, or the bundle name when the descriptor is unreadable)
 * @param version model version
 * @param status lifecycle status
 * @param detail why it failed, or a short note; empty when none
 * @param info the loaded model, {@code null} unless status is {@link Status#ACTIVE}
 * @param source bundle location it came from
 */
public record ModelState(String name, String version, Status status, String detail, ModelInfo info, String source) {
    /** Lifecycle status of a model version. */
    public enum Status {
        /** Being checked and warmed up. */
        LOADING,
        /** Serving traffic. */
        ACTIVE,
        /** Refused: corrupt, wrong shapes, checksum or test vector mismatch, signature. */
        FAILED,
        /** Loaded as shadow candidate: scores live traffic without publishing. */
        SHADOW,
        /** Installed and not refused, but not serving (an older version, or one rolled back from). */
        STANDBY
    }
}
