package io.edgeai.gateway.onnx.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import org.osgi.framework.Version;
import org.osgi.framework.VersionRange;

/**
 * Which versions of one model are to be loaded, and in which role: a pure function of what is installed, what
 * is loaded or refused, and what operators and consumers asked for. The {@link ModelExtender} only carries the
 * answer out (loads, registers, changes service properties, unregisters, tells listeners).
 *
 * <p>The rule, in order: the version an operator chose (rollback, promotion, shadow-first) serves when it loads;
 * otherwise the highest installed version that loads and was not rolled back from. The shadow candidate stays
 * alongside while it is installed, loads and does not serve. A consumer's pinned range that the serving version
 * does not satisfy keeps the highest version in the range that loads. Every other loaded version goes.
 *
 * <p>Loading is the one step whose outcome a plan cannot know: when a version has to be tried, the plan says
 * {@link Plan#load} and nothing else, and is made again once that version is loaded or refused.
 */
final class ServingPlan {
    private ServingPlan() {}

    /**
     * A version range a consumer asked for.
     *
     * @param name model name
     * @param range the versions it accepts
     * @param text the range as asked, for display
     */
    record Pin(String name, VersionRange range, String text) {}

    /**
     * An installed version of the model.
     *
     * @param key the bundle's version key
     * @param version its version, for ordering and ranges
     */
    record Candidate(ModelKey key, Version version) {}

    /**
     * What the extender knows about one model.
     *
     * @param name the model
     * @param candidates its installed versions, highest first
     * @param loaded versions loaded and registered (those of other models are ignored)
     * @param refused versions that failed to load, with the reason
     * @param chosen the version an operator chose, or null
     * @param rolledBack versions rolled back from: not chosen automatically again
     * @param shadow the shadow candidate, or null
     * @param pins ranges consumers asked for (those of other models are ignored)
     */
    record Inputs(
            String name,
            List<Candidate> candidates,
            Set<ModelKey> loaded,
            Map<ModelKey, String> refused,
            ModelKey chosen,
            Set<ModelKey> rolledBack,
            ModelKey shadow,
            Collection<Pin> pins) {

        /** @return how the extender's load of {@code key} stands: loaded, refused or untried */
        private Status status(ModelKey key) {
            return loaded.contains(key) ? Status.LOADED : refused.containsKey(key) ? Status.REFUSED : Status.UNTRIED;
        }

        private boolean installed(ModelKey key) {
            return candidates.stream().anyMatch(c -> c.key().equals(key));
        }
    }

    private enum Status {
        LOADED,
        REFUSED,
        UNTRIED
    }

    /**
     * The answer.
     *
     * @param load a version to try loading before anything else is decided; null when the plan is complete
     * @param serve the version to serve by default; null when none loads
     * @param shadow the shadow candidate to keep; null for none
     * @param shadowEnded why the shadow candidate of the inputs ends (it is not kept); null when it does not
     * @param keep every version to keep loaded: the serving one, the shadow, the pinned ones
     */
    record Plan(ModelKey load, ModelKey serve, ModelKey shadow, String shadowEnded, Set<ModelKey> keep) {
        static Plan load(ModelKey key) {
            return new Plan(key, null, null, null, Set.of());
        }

        /**
         * @param loaded the versions loaded now
         * @return those to unregister and close
         */
        List<ModelKey> unregister(Collection<ModelKey> loaded) {
            List<ModelKey> out = new ArrayList<>();
            for (ModelKey k : loaded) {
                if (!keep.contains(k)) {
                    out.add(k);
                }
            }
            return out;
        }
    }

    /**
     * @param in what is known about the model
     * @return the next version to load, or the complete plan
     */
    static Plan plan(Inputs in) {
        ModelKey serve = null;
        ModelKey chosen = in.chosen();
        if (chosen != null && in.installed(chosen) && in.status(chosen) != Status.REFUSED) {
            if (in.status(chosen) == Status.UNTRIED) {
                return Plan.load(chosen);
            }
            serve = chosen;
        }
        for (int i = 0; serve == null && i < in.candidates().size(); i++) {
            ModelKey k = in.candidates().get(i).key();
            Status s = in.status(k);
            if (in.rolledBack().contains(k) || s == Status.REFUSED) {
                continue;
            }
            if (s == Status.UNTRIED) {
                return Plan.load(k);
            }
            serve = k;
        }

        ModelKey shadow = in.shadow();
        String shadowEnded = null;
        if (shadow != null) {
            if (shadow.equals(serve)) {
                shadowEnded = "serving now";
            } else if (!in.installed(shadow)) {
                shadowEnded = "uninstalled";
            } else if (in.status(shadow) == Status.REFUSED) {
                shadowEnded = "refused: " + in.refused().get(shadow);
            } else if (in.status(shadow) == Status.UNTRIED) {
                return Plan.load(shadow);
            }
            if (shadowEnded != null) {
                shadow = null;
            }
        }

        Set<ModelKey> keep = new HashSet<>();
        if (serve != null) {
            keep.add(serve);
        }
        if (shadow != null) {
            keep.add(shadow);
        }
        for (Pin pin : in.pins()) {
            if (!pin.name().equals(in.name())
                    || (serve != null && pin.range().includes(Version.parseVersion(serve.version())))) {
                continue;
            }
            for (Candidate c : in.candidates()) {
                Status s = in.status(c.key());
                if (!pin.range().includes(c.version()) || s == Status.REFUSED) {
                    continue;
                }
                if (s == Status.UNTRIED) {
                    return new Plan(c.key(), null, null, shadowEnded, Set.of());
                }
                keep.add(c.key());
                break;
            }
        }
        return new Plan(null, serve, shadow, shadowEnded, Set.copyOf(keep));
    }

    /**
     * The version a rollback returns to: the latest one that served before the current one and is still
     * installed, not refused and not rolled back from.
     *
     * @param history versions that served by default, oldest first
     * @param current the version serving now
     * @param installed whether a version is installed
     * @param refused versions that failed to load
     * @param rolledBack versions rolled back from
     * @return its index in {@code history}, or -1 when there is none
     */
    static int rollbackTarget(
            List<ModelKey> history,
            ModelKey current,
            Predicate<ModelKey> installed,
            Map<ModelKey, String> refused,
            Set<ModelKey> rolledBack) {
        for (int i = history.size() - 1; i >= 0; i--) {
            ModelKey k = history.get(i);
            if (!k.equals(current) && installed.test(k) && !refused.containsKey(k) && !rolledBack.contains(k)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The version an operator's shadow command picks.
     *
     * @param candidates installed versions, highest first
     * @param current the version serving now, or null
     * @param version the version asked for, or null for the highest besides the serving one that was not refused
     * @param refused versions that failed to load
     * @return the pick, or null when none fits
     */
    static ModelKey shadowPick(
            List<Candidate> candidates, ModelKey current, String version, Map<ModelKey, String> refused) {
        for (Candidate c : candidates) {
            ModelKey k = c.key();
            boolean wanted = version == null ? !k.equals(current) : k.version().equals(version);
            if (wanted && (version != null || !refused.containsKey(k))) {
                return k;
            }
        }
        return null;
    }

    /**
     * Whether a version that just arrived starts as the shadow candidate (the serving version stays chosen)
     * rather than as a new deployment.
     *
     * @param arriving the new version (its descriptor readable)
     * @param current the version serving now, or null
     * @param asked whether an operator asked for it to arrive in shadow
     * @param shadowNewVersions whether every higher version arrives in shadow
     */
    static boolean arrivesInShadow(Candidate arriving, ModelKey current, boolean asked, boolean shadowNewVersions) {
        return current != null
                && !arriving.key().equals(current)
                && (asked || shadowNewVersions && arriving.version().compareTo(parseOrZero(current.version())) > 0);
    }

    /** @return the version, or 0.0.0 when the text is not an OSGi version */
    static Version parseOrZero(String version) {
        try {
            return Version.parseVersion(version);
        } catch (IllegalArgumentException e) {
            return Version.emptyVersion;
        }
    }
}
