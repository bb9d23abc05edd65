package io.edgeai.gateway.pipeline.internal;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Estimated heap bytes of one series, measured on the scorer's own state objects: their fields and arrays
 * are walked by reflection (compressed references, 8-byte alignment), so the estimate follows whatever the
 * state holds without a second copy of its layout here. Only objects of the gateway's own classes and arrays
 * are walked; anything else counts as one small object. The estimate is the fresh state's size, raised by
 * states measured later in their life (windows and histories that grew). Worker thread only.
 */
final class SeriesFootprint {
    private static final String OWN = "io.edgeai.gateway.";
    /** Walking stops after this many objects (a state is a few dozen). */
    private static final int MAX_OBJECTS = 10_000;
    /** A map entry of the series table and its slot; the key's bytes are added per series. */
    static final int ENTRY_BYTES = 56;

    private static final ClassValue<Field[]> FIELDS = new ClassValue<>() {
        @Override
        protected Field[] computeValue(Class<?> type) {
            List<Field> out = new ArrayList<>();
            for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    if (!Modifier.isStatic(f.getModifiers())) {
                        f.setAccessible(true);
                        out.add(f);
                    }
                }
            }
            return out.toArray(new Field[0]);
        }
    };

    private long fresh;
    private long grown;

    /**
     * Sets the estimate from a new series' state (a new scorer: earlier measurements no longer apply).
     *
     * @param state a fresh series state with everything the pipeline keeps per series
     * @param key the series' key
     */
    void fresh(Object state, String key) {
        fresh = deepSize(state) + keyBytes(key);
        grown = fresh;
    }

    /**
     * Folds in the size of a state some way into its life (a moving average, never below the fresh size).
     *
     * @param state a series' state
     * @param key the series' key
     */
    void sample(Object state, String key) {
        grown = Math.max(fresh, grown + (deepSize(state) + keyBytes(key) - grown) / 8);
    }

    /** @return estimated bytes of one series, its table entry included; 0 before the first measurement */
    long perSeries() {
        return grown == 0 ? 0 : grown + ENTRY_BYTES;
    }

    /**
     * @param key a series key
     * @return bytes of the key string (Latin-1 compact strings)
     */
    static long keyBytes(String key) {
        return align(24) + align(16 + key.length());
    }

    /**
     * @param root an object
     * @return its bytes and those of everything it references that is of the gateway's own classes or an array
     */
    static long deepSize(Object root) {
        Map<Object, Boolean> seen = new IdentityHashMap<>();
        ArrayDeque<Object> todo = new ArrayDeque<>();
        todo.add(root);
        long bytes = 0;
        while (!todo.isEmpty() && seen.size() < MAX_OBJECTS) {
            Object o = todo.poll();
            if (seen.put(o, Boolean.TRUE) != null) {
                continue;
            }
            Class<?> c = o.getClass();
            if (c.isArray()) {
                bytes += arrayBytes(o, c.getComponentType(), todo);
            } else if (c.getName().startsWith(OWN)) {
                bytes += objectBytes(o, c, todo);
            } else {
                bytes += 16;
            }
        }
        return bytes;
    }

    private static long arrayBytes(Object array, Class<?> component, ArrayDeque<Object> todo) {
        int n = java.lang.reflect.Array.getLength(array);
        if (!component.isPrimitive()) {
            for (Object e : (Object[]) array) {
                if (e != null) {
                    todo.add(e);
                }
            }
            return align(16 + 4L * n);
        }
        return align(16 + (long) primitiveBytes(component) * n);
    }

    private static long objectBytes(Object o, Class<?> c, ArrayDeque<Object> todo) {
        long size = 12;
        for (Field f : FIELDS.get(c)) {
            Class<?> t = f.getType();
            if (t.isPrimitive()) {
                size += primitiveBytes(t);
                continue;
            }
            size += 4;
            try {
                Object v = f.get(o);
                if (v != null) {
                    todo.add(v);
                }
            } catch (IllegalAccessException e) {
                // counted as a reference only
            }
        }
        return align(size);
    }

    private static int primitiveBytes(Class<?> t) {
        if (t == long.class || t == double.class) {
            return 8;
        }
        if (t == int.class || t == float.class) {
            return 4;
        }
        return t == short.class || t == char.class ? 2 : 1;
    }

    private static long align(long bytes) {
        return (bytes + 7) & ~7L;
    }
}
