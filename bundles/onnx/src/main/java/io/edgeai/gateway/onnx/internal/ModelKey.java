package io.edgeai.gateway.onnx.internal;

/**
 * One version of a model as a bundle carries it. An updated bundle keeps its id but gets a new key, so a
 * runner loaded from the old content is never taken for the new one.
 *
 * @param bundleId id of the model bundle
 * @param version version text of the descriptor
 * @param sha256 checksum the descriptor declares, empty when the descriptor is unreadable
 */
record ModelKey(long bundleId, String version, String sha256) {
    static ModelKey of(ModelBundle mb) {
        return new ModelKey(
                mb.bundle().getBundleId(),
                mb.versionText(),
                mb.descriptor() == null ? "" : mb.descriptor().sha256());
    }
}
