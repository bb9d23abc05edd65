package io.edgeai.gateway.api;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/** The runtime's view of every model bundle it has seen, loaded or refused. */
@ProviderType
public interface ModelRegistry {
    /** @return one entry per model version found, sorted by name then version */
    List<ModelState> models();

    /** @return names of the execution providers this ONNX Runtime build offers */
    List<String> availableProviders();

    /**
     * Serves the version of {@code name} that served before the current one and is still installed; the
     * current version stays installed but on standby until a newer model bundle of that name arrives.
     * Returns once the previous version is loaded, checked and serving.
     *
     * @param name model name
     * @return the version now serving
     * @throws IllegalStateException with the reason when there is no previous version to return to
     */
    String rollback(String name);

    /**
     * Asks for a version of {@code name} within an OSGi version range to be kept loaded, for a consumer
     * pinned to it. When the serving version is outside the range, the highest loadable version inside
     * it is registered too, with {@link EdgeAiConstants#MODEL_SERVING} {@code false}. Replaces the
     * owner's earlier request.
     *
     * @param owner who asks, e.g. a pipeline name; one request per owner
     * @param name model name
     * @param versionRange OSGi version range, e.g. {@code [1.0,2.0)}
     * @throws IllegalArgumentException when the range is not valid
     */
    void require(String owner, String name, String versionRange);

    /**
     * Withdraws a request made with {@link #require}; unknown owners are ignored.
     *
     * @param owner who asked
     */
    void release(String owner);

    /**
     * Makes a version of {@code name} the shadow candidate: it is loaded, checked and registered with
     * {@link EdgeAiConstants#MODEL_SHADOW} {@code true}, and pipelines using the model score their live
     * readings with it too, without publishing its results. Replaces an earlier candidate of that model.
     *
     * @param name model name
     * @param version the version, or {@code null} for the newest installed version that is not serving
     * @return the candidate version
     * @throws IllegalStateException with the reason when there is no such version or it is refused
     */
    String shadow(String name, String version);

    /**
     * Asks for a version of {@code name} that is about to be installed to arrive as the shadow candidate
     * instead of serving: when a bundle with that model version arrives while another version serves, it is
     * loaded, checked and made the shadow candidate (as {@link #shadow} would), and the serving version stays.
     * Used for a canary that compares a new version on live traffic before it serves. The request is used up
     * by the arrival and withdrawn by {@link #endShadow}; a later request for the model replaces it. When
     * nothing serves at arrival, the version serves as any new version would.
     *
     * @param name model name
     * @param version the model version (as its descriptor declares it) to expect
     * @since 1.4
     */
    void shadowOnArrival(String name, String version);

    /**
     * Ends shadow scoring of {@code name}; the candidate stays installed.
     *
     * @param name model name
     * @return the version that was the candidate, {@code null} when there was none
     */
    String endShadow(String name);

    /**
     * Makes the shadow candidate of {@code name} serve, with the same swap as a new version: it serves before
     * the old one stops. Returns once it serves.
     *
     * @param name model name
     * @return the version now serving
     * @throws IllegalStateException with the reason when there is no candidate
     */
    String promote(String name);
}
