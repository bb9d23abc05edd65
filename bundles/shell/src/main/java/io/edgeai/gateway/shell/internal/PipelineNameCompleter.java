package io.edgeai.gateway.shell.internal;

import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.osgi.framework.BundleContext;

import io.edgeai.gateway.api.Pipeline;

/** Completes pipeline names. */
@Service
public class PipelineNameCompleter implements Completer {
    @Reference
    BundleContext context;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter names = new StringsCompleter();
        Services.all(context, Pipeline.class).forEach(p -> names.getStrings().add(p.name()));
        return names.complete(session, commandLine, candidates);
    }
}
