package io.edgeai.gateway.shell.internal;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.osgi.framework.BundleContext;

import io.edgeai.gateway.api.Pipeline;
import io.edgeai.gateway.api.ShadowComparison;

/** {@code edgeai:model-compare}: how shadow candidates agree with the serving model, per pipeline. */
@Command(
        scope = "edgeai",
        name = "model-compare",
        description =
                "Shows, per pipeline, how the shadow candidates of a model scored the same live readings (or texts) as the serving version: decision (intent) agreement and score (confidence) differences.")
@Service
public class ModelCompareCommand implements Action {
    @Reference
    BundleContext context;

    @Argument(index = 0, name = "name", description = "Model name.", required = true)
    @Completion(ModelNameCompleter.class)
    String name;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("Pipeline");
        table.column("Serving");
        table.column("Candidate");
        table.column("Compared").alignRight();
        table.column("Agreement %").alignRight();
        table.column("Mean |diff|").alignRight();
        table.column("Max |diff|").alignRight();
        table.column("Warming up").alignRight();
        table.column("Failed").alignRight();
        table.column("Skipped").alignRight();
        int rows = 0;
        for (Pipeline p : Services.all(context, Pipeline.class)) {
            for (ShadowComparison c : p.shadowComparisons()) {
                if (!c.candidate().startsWith(name + "@")) {
                    continue;
                }
                table.addRow()
                        .addContent(
                                c.pipeline(),
                                c.serving(),
                                c.candidate(),
                                c.compared(),
                                c.compared() == 0 ? "-" : String.format("%.2f", c.agreementPercent()),
                                String.format("%.5f", c.meanAbsDiff()),
                                String.format("%.5f", c.maxAbsDiff()),
                                c.warmingUp(),
                                c.failed(),
                                c.skipped());
                rows++;
            }
        }
        if (rows == 0) {
            System.out.println("No shadow figures for model " + name + " (edgeai:model-shadow " + name
                    + " starts shadow scoring)");
        } else {
            table.print(System.out);
        }
        return null;
    }
}
