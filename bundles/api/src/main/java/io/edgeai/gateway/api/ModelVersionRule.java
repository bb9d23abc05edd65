package io.edgeai.gateway.api;

import java.util.Collection;
import java.util.Map;
import java.util.Objects;

import org.osgi.framework.Constants;
import org.osgi.framework.Version;
import org.osgi.framework.VersionRange;

/**
 * Which of the registered versions of one model a pipeline uses for live inputs, and which it scores in
 * shadow beside it. Every pipeline (anomaly and text) decides with this one rule, so that an operator's
 * {@code model-shadow}, {@code model-promote}, pin or canary means the same everywhere:
 * <ol>
 * <li>Without a pin, only a version registered as serving ({@link EdgeAiConstants#MODEL_SERVING} not
 * {@code false}) answers; a shadow candidate or a version kept loaded for someone else's pin never does.</li>
 * <li>With a pinned version range, only versions inside it answer; a serving one first, else the one the
 * registry keeps loaded for the pin (registered not serving).</li>
 * <li>Among equals the higher {@code service.ranking} wins (while a swap is under way the new version is
 * registered with a higher ranking before the old one goes), then the higher version.</li>
 * <li>The shadow candidate is a version registered with {@link EdgeAiConstants#MODEL_SHADOW} {@code true}
 * that is not the one in use (the highest such version, should there be several).</li>
 * </ol>
 * Removing a version is choosing again among the rest, so a pinned or shadow version that goes away leaves
 * the serving one answering. A pure function: the caller keeps the registered versions.
 *
 * @since 1.8
 */
public final class ModelVersionRule {
    private ModelVersionRule() {}

    /**
     * One registered version of a model.
     *
     * @param <T> the service type (a {@link ModelRunner}, a {@link TextEncoder})
     * @param service the service
     * @param version its model version ({@link Version#emptyVersion} when unreadable)
     * @param serving registered as serving
     * @param shadow registered as the shadow candidate
     * @param ranking its {@code service.ranking}
     */
    public record Candidate<T>(T service, Version version, boolean serving, boolean shadow, int ranking) {
        /** Checks for nulls. */
        public Candidate {
            Objects.requireNonNull(service, "service");
            Objects.requireNonNull(version, "version");
        }

        /**
         * A candidate from its service properties, as a pipeline's bind method gets them.
         *
         * @param <T> the service type
         * @param service the service
         * @param version its model version text ({@link ModelInfo#version()})
         * @param properties its service properties
         * @return the candidate
         */
        public static <T> Candidate<T> of(T service, String version, Map<String, ?> properties) {
            // a runner registered without the property (tests, older registries) serves, as before the property
            boolean serving = !Boolean.FALSE.equals(properties.get(EdgeAiConstants.MODEL_SERVING));
            boolean shadow = Boolean.TRUE.equals(properties.get(EdgeAiConstants.MODEL_SHADOW));
            int ranking = properties.get(Constants.SERVICE_RANKING) instanceof Integer i ? i : 0;
            return new Candidate<>(service, parse(version), serving, shadow, ranking);
        }
    }

    /**
     * The outcome of the rule.
     *
     * @param <T> the service type
     * @param use the version that answers live inputs, {@code null} when none fits
     * @param shadow the shadow candidate scored beside it, {@code null} when there is none
     */
    public record Choice<T>(T use, T shadow) {}

    /**
     * Applies the rule.
     *
     * @param <T> the service type
     * @param candidates the registered versions of one model
     * @param pin the pinned version range, {@code null} for none
     * @return the version to use and the shadow candidate
     */
    public static <T> Choice<T> choose(Collection<Candidate<T>> candidates, VersionRange pin) {
        Candidate<T> use = null;
        for (Candidate<T> c : candidates) {
            boolean eligible = pin == null ? c.serving() : pin.includes(c.version());
            if (eligible && (use == null || better(c, use))) {
                use = c;
            }
        }
        Candidate<T> shadow = null;
        for (Candidate<T> c : candidates) {
            if (c.shadow() && c != use && (shadow == null || c.version().compareTo(shadow.version()) > 0)) {
                shadow = c;
            }
        }
        return new Choice<>(use == null ? null : use.service(), shadow == null ? null : shadow.service());
    }

    /**
     * Parses a pin as a pipeline's configuration gives it.
     *
     * @param range an OSGi version range, e.g. {@code [1.0,2.0)}; blank for none
     * @return the range, {@code null} for none
     * @throws IllegalArgumentException when it is not a version range
     */
    public static VersionRange pin(String range) {
        return range == null || range.isBlank() ? null : new VersionRange(range.strip());
    }

    private static <T> boolean better(Candidate<T> a, Candidate<T> b) {
        if (a.serving() != b.serving()) {
            return a.serving();
        }
        if (a.ranking() != b.ranking()) {
            return a.ranking() > b.ranking();
        }
        return a.version().compareTo(b.version()) > 0;
    }

    private static Version parse(String v) {
        try {
            return v == null ? Version.emptyVersion : Version.parseVersion(v);
        } catch (IllegalArgumentException e) {
            return Version.emptyVersion;
        }
    }
}
