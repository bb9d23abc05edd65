package io.edgeai.gateway.api;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Checks a component's configuration (a Declarative Services configuration type) before it is used: every
 * property is read once, so that a value the component runtime cannot convert (a word where a number belongs)
 * becomes one line naming the property, instead of a stack trace from the runtime on first use.
 */
public final class ConfigValues {

    private ConfigValues() {}

    /**
     * Reads every property of {@code config}.
     *
     * @param type the configuration type (an interface or annotation of zero-argument methods)
     * @param config the configuration as the component runtime hands it over
     * @param <T> the configuration type
     * @throws IllegalArgumentException naming the first property whose value cannot be read, with its type and
     *     the runtime's reason
     */
    public static <T> void readAll(Class<T> type, T config) {
        for (Method m : type.getDeclaredMethods()) {
            if (m.getParameterCount() != 0) {
                continue;
            }
            try {
                m.invoke(config);
            } catch (InvocationTargetException e) {
                Throwable root = e.getCause();
                while (root.getCause() != null && root.getCause() != root) {
                    root = root.getCause();
                }
                throw new IllegalArgumentException(
                        property(m.getName()) + " is not a valid "
                                + m.getReturnType().getSimpleName() + " (" + root.getMessage() + ")",
                        root);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("configuration type " + type.getName() + " is not readable", e);
            }
        }
    }

    /**
     * @param method a configuration method's name
     * @return the property it reads (the DS name mapping: {@code _} is a dot, {@code __} an underscore)
     */
    public static String property(String method) {
        return method.replace("__", "\u0001").replace('_', '.').replace('\u0001', '_');
    }
}
