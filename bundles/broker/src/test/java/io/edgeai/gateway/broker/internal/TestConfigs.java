package io.edgeai.gateway.broker.internal;

import java.lang.reflect.Proxy;
import java.util.Map;

/** Builds a configuration annotation as DS would: declared defaults, overridden by the given values. */
final class TestConfigs {

    private TestConfigs() {}

    static <A> A of(Class<A> type, Map<String, Object> overrides) {
        Object proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, method, args) -> {
            if (method.getName().equals("annotationType")) {
                return type;
            }
            if (method.getName().equals("toString")) {
                return type.getSimpleName() + overrides;
            }
            return overrides.getOrDefault(method.getName(), method.getDefaultValue());
        });
        return type.cast(proxy);
    }
}
