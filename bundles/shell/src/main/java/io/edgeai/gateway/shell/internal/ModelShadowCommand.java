package io.edgeai.gateway.shell.internal;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import io.edgeai.gateway.api.ModelRegistry;

/** {@code edgeai:model-shadow}: score live traffic with a candidate version too, without publishing. */
@Command(
        scope = "edgeai",
        name = "model-shadow",
        description =
                "Makes a version the shadow candidate of a model: pipelines score their live readings with it too, without publishing; edgeai:model-compare shows how it agrees, edgeai:model-promote makes it serve.")
@Service
public class ModelShadowCommand implements Action {
    @Reference
    ModelRegistry registry;

    @Argument(index = 0, name = "name", description = "Model name.", required = true)
    @Completion(ModelNameCompleter.class)
    String name;

    @Argument(
            index = 1,
            name = "version",
            description = "Candidate version; default: the newest installed version that is not serving.",
            required = false)
    String version;

    @Option(name = "--stop", description = "End shadow scoring of the model instead.")
    boolean stop;

    @Override
    public Object execute() {
        try {
            if (stop) {
                String was = registry.endShadow(name);
                System.out.println(
                        was == null
                                ? "Model " + name + " had no shadow candidate"
                                : "Model " + name + ": shadow scoring with " + was + " ended");
            } else {
                System.out.println("Model " + name + ": version " + registry.shadow(name, version)
                        + " scores live traffic in shadow");
            }
        } catch (IllegalStateException e) {
            System.err.println("Shadow refused: " + e.getMessage());
        }
        return null;
    }
}
