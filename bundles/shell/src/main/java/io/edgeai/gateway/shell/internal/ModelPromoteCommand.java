package io.edgeai.gateway.shell.internal;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import io.edgeai.gateway.api.ModelRegistry;

/** {@code edgeai:model-promote}: the shadow candidate serves. */
@Command(
        scope = "edgeai",
        name = "model-promote",
        description =
                "Makes the shadow candidate of a model serve, swapped in like a new version (it serves before the old one stops).")
@Service
public class ModelPromoteCommand implements Action {
    @Reference
    ModelRegistry registry;

    @Argument(index = 0, name = "name", description = "Model name.", required = true)
    @Completion(ModelNameCompleter.class)
    String name;

    @Override
    public Object execute() {
        try {
            System.out.println("Model " + name + " now serves version " + registry.promote(name));
        } catch (IllegalStateException e) {
            System.err.println("Promotion refused: " + e.getMessage());
        }
        return null;
    }
}
