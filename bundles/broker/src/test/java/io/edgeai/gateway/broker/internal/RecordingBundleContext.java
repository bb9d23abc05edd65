package io.edgeai.gateway.broker.internal;

import java.lang.reflect.Proxy;
import java.util.Dictionary;
import java.util.concurrent.atomic.AtomicReference;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/** A BundleContext that only records the one service registration the broker component makes. */
final class RecordingBundleContext {

    /** The service object and its properties, while registered. */
    record Registered(Object service, Dictionary<?, ?> properties) {}

    final AtomicReference<Registered> registered = new AtomicReference<>();
    final BundleContext context = (BundleContext) Proxy.newProxyInstance(
            getClass().getClassLoader(), new Class<?>[] {BundleContext.class}, (p, method, args) -> {
                if (!method.getName().equals("registerService")) {
                    throw new UnsupportedOperationException(method.getName());
                }
                registered.set(new Registered(args[1], (Dictionary<?, ?>) args[2]));
                return Proxy.newProxyInstance(
                        getClass().getClassLoader(), new Class<?>[] {ServiceRegistration.class}, (r, m, a) -> {
                            if (!m.getName().equals("unregister")) {
                                throw new UnsupportedOperationException(m.getName());
                            }
                            registered.set(null);
                            return null;
                        });
            });
}
