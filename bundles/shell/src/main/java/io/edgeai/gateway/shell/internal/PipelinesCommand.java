package io.edgeai.gateway.shell.internal;

import java.util.Comparator;
import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.osgi.framework.BundleContext;

import io.edgeai.gateway.api.Pipeline;
import io.edgeai.gateway.api.PipelineStatus;
import io.edgeai.gateway.api.UplinkStatus;

/** {@code edgeai:pipelines}: what runs, with counters and latency. */
@Command(
        scope = "edgeai",
        name = "pipelines",
        description = "Lists pipelines with messages in/out/rejected, queue, series (kept and evicted), latency and"
                + " what goes up each pipeline's uplink.")
@Service
public class PipelinesCommand implements Action {
    @Reference
    BundleContext context;

    @Argument(index = 0, name = "name", description = "Show only this pipeline.", required = false)
    @Completion(PipelineNameCompleter.class)
    String name;

    @Override
    public Object execute() {
        List<PipelineStatus> list = Services.all(context, Pipeline.class).stream()
                .map(Pipeline::status)
                .filter(s -> name == null || s.name().equals(name))
                .sorted(Comparator.comparing(PipelineStatus::name))
                .toList();
        ShellTable table = new ShellTable();
        table.column("Name");
        table.column("Type");
        table.column("Input");
        table.column("Model");
        table.column("In").alignRight();
        table.column("Out").alignRight();
        table.column("Rejected").alignRight();
        table.column("Dropped").alignRight();
        table.column("Queue").alignRight();
        table.column("Series").alignRight();
        table.column("Evicted").alignRight();
        table.column("Alarms").alignRight();
        table.column("p50 ms").alignRight();
        table.column("p99 ms").alignRight();
        for (PipelineStatus s : list) {
            table.addRow()
                    .addContent(
                            s.name(),
                            s.type(),
                            s.inputTopic(),
                            s.model().isEmpty() ? "(none)" : s.model(),
                            s.received(),
                            s.published(),
                            s.rejected(),
                            s.dropped(),
                            s.queueDepth() + "/" + s.queueCapacity(),
                            s.keys(),
                            s.evicted(),
                            s.alarmsActive(),
                            Services.millis(s.latencyP50Micros()),
                            Services.millis(s.latencyP99Micros()));
        }
        table.print(System.out);
        // a refused configuration, under the table where the whole text fits: it names the property and the rule
        for (PipelineStatus s : list) {
            if (!s.problem().isEmpty()) {
                System.out.println(s.name() + ": configuration " + s.problem());
            }
        }
        Services.all(context, Pipeline.class).stream()
                .filter(p -> name == null || p.name().equals(name))
                .sorted(Comparator.comparing(Pipeline::name))
                .forEach(p -> p.uplink().ifPresent(u -> System.out.println(uplinkLine(p.name(), u))));
        return null;
    }

    /** One line per pipeline with an uplink: its policy and what went up. */
    static String uplinkLine(String pipeline, UplinkStatus u) {
        String summaries = u.summarySeconds() == 0
                ? "no summaries"
                : "summaries every " + u.summarySeconds() + " s per " + u.summaryMode();
        String evidence = u.evidenceBefore() + u.evidenceAfter() == 0
                ? "no evidence"
                : "evidence " + u.evidenceBefore() + " before / " + u.evidenceAfter() + " after";
        return String.format(
                "%s: uplink %s on %s/#, %s, %s; sent %d alarm events, %d evidence windows, %d summaries, %.1f KB",
                pipeline,
                u.connection(),
                u.topicPrefix(),
                summaries,
                evidence,
                u.events(),
                u.evidence(),
                u.summaries(),
                u.bytes() / 1024.0);
    }
}
