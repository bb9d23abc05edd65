package io.edgeai.gateway.shell.internal;

import java.time.Instant;
import java.util.Comparator;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.osgi.framework.BundleContext;

import io.edgeai.gateway.api.BrokerStatus;
import io.edgeai.gateway.api.ConnectionStatus;
import io.edgeai.gateway.api.EmbeddedBroker;
import io.edgeai.gateway.api.MqttConnection;
import io.edgeai.gateway.api.Pipeline;
import io.edgeai.gateway.api.PipelineStatus;

/** {@code edgeai:status}: broker, connections and pipeline totals at a glance. */
@Command(
        scope = "edgeai",
        name = "status",
        description = "Shows the embedded broker, broker connections, gateway group members and pipeline totals.")
@Service
public class StatusCommand implements Action {
    @Reference
    BundleContext context;

    @Override
    public Object execute() {
        var brokers = Services.all(context, EmbeddedBroker.class);
        if (brokers.isEmpty()) {
            System.out.println("Embedded broker: off");
        }
        for (EmbeddedBroker b : brokers) {
            BrokerStatus s = b.status();
            System.out.println("Embedded broker: " + (s.running() ? "running" : "stopped") + " on " + s.host() + ":"
                    + s.port() + " (" + s.implementation() + ")" + (s.detail().isEmpty() ? "" : " " + s.detail()));
        }
        ShellTable conns = new ShellTable();
        conns.column("Connection");
        conns.column("Broker");
        conns.column("Client id");
        conns.column("State");
        conns.column("Since");
        conns.column("In").alignRight();
        conns.column("Out").alignRight();
        conns.column("Queued").alignRight();
        conns.column("Dropped").alignRight();
        conns.column("Expired").alignRight();
        conns.column("Store MB").alignRight();
        conns.column("Unacked").alignRight();
        conns.column("Reconnects").alignRight();
        conns.column("Last error").maxSize(60);
        Services.all(context, MqttConnection.class).stream()
                .map(MqttConnection::status)
                .sorted(Comparator.comparing(ConnectionStatus::name))
                .forEach(c -> conns.addRow()
                        .addContent(
                                c.name(),
                                c.serverUri(),
                                c.clientId(),
                                c.state(),
                                Instant.ofEpochMilli(c.sinceMillis()).toString(),
                                c.received(),
                                c.published(),
                                c.publishQueued(),
                                c.publishDropped(),
                                c.publishExpired(),
                                String.format("%.1f", c.storeBytes() / 1048576.0),
                                c.unacknowledged(),
                                c.reconnects(),
                                c.lastError()));
        conns.print(System.out);
        for (MqttConnection c : Services.all(context, MqttConnection.class)) {
            c.membership()
                    .ifPresent(m -> System.out.println("Group " + m.group() + " (connection " + c.name()
                            + ", this member " + m.self() + "): live members " + String.join(", ", m.members())));
        }
        long in = 0;
        long out = 0;
        long rejected = 0;
        long dropped = 0;
        long held = 0;
        long duplicates = 0;
        int pipelines = 0;
        for (Pipeline p : Services.all(context, Pipeline.class)) {
            PipelineStatus s = p.status();
            pipelines++;
            in += s.received();
            out += s.published();
            rejected += s.rejected();
            dropped += s.dropped();
            held += s.held();
            duplicates += s.duplicates();
        }
        System.out.printf(
                "Pipelines: %d, messages in %d, out %d, rejected %d, dropped %d, held %d, duplicates %d%n",
                pipelines, in, out, rejected, dropped, held, duplicates);
        return null;
    }
}
