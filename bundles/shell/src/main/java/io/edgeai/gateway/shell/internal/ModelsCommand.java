package io.edgeai.gateway.shell.internal;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.osgi.framework.BundleContext;

import io.edgeai.gateway.api.ModelInfo;
import io.edgeai.gateway.api.ModelRegistry;
import io.edgeai.gateway.api.ModelRunner;
import io.edgeai.gateway.api.ModelState;

/** {@code edgeai:models}: every model version found, serving or refused and why. */
@Command(
        scope = "edgeai",
        name = "models",
        description =
                "Lists model versions: status, execution provider and threads (with why a preferred provider was not used), inferences, and why a version was refused.")
@Service
public class ModelsCommand implements Action {
    @Reference
    ModelRegistry registry;

    @Reference
    BundleContext context;

    @Argument(index = 0, name = "name", description = "Show only this model.", required = false)
    @Completion(ModelNameCompleter.class)
    String name;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("Name");
        table.column("Version");
        table.column("Status");
        table.column("Provider");
        table.column("Threads");
        table.column("Inferences").alignRight();
        table.column("Failures").alignRight();
        table.column("SHA-256");
        table.column("Detail").maxSize(80);
        for (ModelState m : registry.models()) {
            if (name != null && !m.name().equals(name)) {
                continue;
            }
            long runs = 0;
            long fails = 0;
            for (ModelRunner r : Services.all(context, ModelRunner.class)) {
                if (m.info() != null && r.info().id().equals(m.info().id())) {
                    runs = r.inferenceCount();
                    fails = r.failureCount();
                }
            }
            String detail = m.detail().isEmpty() ? m.source() : m.detail();
            if (m.info() != null && !m.info().providerFallback().isEmpty()) {
                detail = "provider fallback: " + m.info().providerFallback() + "; " + detail;
            }
            table.addRow()
                    .addContent(
                            m.name(),
                            m.version(),
                            m.status(),
                            m.info() == null ? "" : m.info().provider(),
                            m.info() == null ? "" : m.info().property(ModelInfo.RUNTIME_THREADS, ""),
                            runs,
                            fails,
                            m.info() == null ? "" : m.info().sha256().substring(0, 12),
                            detail);
        }
        table.print(System.out);
        System.out.println("Execution providers in this ONNX Runtime build: " + registry.availableProviders());
        return null;
    }
}
