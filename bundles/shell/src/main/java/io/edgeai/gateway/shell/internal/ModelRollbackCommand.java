package io.edgeai.gateway.shell.internal;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import io.edgeai.gateway.api.ModelRegistry;

/** {@code edgeai:model-rollback}: serve the version that served before the current one. */
@Command(
        scope = "edgeai",
        name = "model-rollback",
        description =
                "Serves the previous version of a model that is still installed; the current one stays installed on standby until a newer version arrives.")
@Service
public class ModelRollbackCommand implements Action {
    @Reference
    ModelRegistry registry;

    @Argument(index = 0, name = "name", description = "Model name.", required = true)
    @Completion(ModelNameCompleter.class)
    String name;

    @Override
    public Object execute() {
        try {
            System.out.println("Model " + name + " now serves version " + registry.rollback(name));
        } catch (IllegalStateException e) {
            System.err.println("Rollback refused: " + e.getMessage());
        }
        return null;
    }
}
