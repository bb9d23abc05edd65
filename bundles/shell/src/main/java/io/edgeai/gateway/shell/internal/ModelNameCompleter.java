package io.edgeai.gateway.shell.internal;

import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

import io.edgeai.gateway.api.ModelRegistry;

/** Completes model names. */
@Service
public class ModelNameCompleter implements Completer {
    @Reference(optional = true)
    ModelRegistry registry;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter names = new StringsCompleter();
        if (registry != null) {
            registry.models().forEach(m -> names.getStrings().add(m.name()));
        }
        return names.complete(session, commandLine, candidates);
    }
}
