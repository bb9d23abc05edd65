package io.edgeai.gateway.shell.internal;

import java.util.ArrayList;
import java.util.List;

import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/** Looks up every registered service of a type, for commands that list them. */
final class Services {
    private Services() {}

    static <T> List<T> all(BundleContext context, Class<T> type) {
        List<T> out = new ArrayList<>();
        try {
            for (ServiceReference<T> ref : context.getServiceReferences(type, null)) {
                T s = context.getService(ref);
                if (s != null) {
                    out.add(s);
                    context.ungetService(ref);
                }
            }
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException("null filter cannot be invalid", e);
        }
        return out;
    }

    static String millis(long micros) {
        return String.format("%.2f", micros / 1000.0);
    }
}
