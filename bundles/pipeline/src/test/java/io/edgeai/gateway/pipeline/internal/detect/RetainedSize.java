package io.edgeai.gateway.pipeline.internal.detect;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Test helper: bytes an object graph holds on a 64-bit HotSpot heap with compressed references (any heap under
 * 32 GB): 12-byte object headers, 16-byte array headers, 4-byte references, sizes rounded up to 8 bytes. Field
 * packing is approximated by the sum of the field sizes; the benchmark {@code HeapPerSeries} measures the real
 * heap and agrees within a few percent. Walks instance fields only; objects the caller names as shared (e.g.
 * settings every series points to) are not counted.
 */
final class RetainedSize {
    private RetainedSize() {}

    /**
     * @param root the object whose graph is measured
     * @param shared objects not to count nor follow
     * @return the estimated bytes
     */
    static long of(Object root, Object... shared) {
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Collections.addAll(seen, shared);
        Deque<Object> todo = new ArrayDeque<>();
        todo.push(root);
        long bytes = 0;
        while (!todo.isEmpty()) {
            Object o = todo.pop();
            if (!seen.add(o)) {
                continue;
            }
            Class<?> c = o.getClass();
            if (c.isArray()) {
                int n = java.lang.reflect.Array.getLength(o);
                Class<?> e = c.getComponentType();
                bytes += align(16 + (long) n * size(e));
                if (!e.isPrimitive()) {
                    for (Object x : (Object[]) o) {
                        if (x != null) {
                            todo.push(x);
                        }
                    }
                }
                continue;
            }
            if (!c.getPackageName().startsWith("io.edgeai.")) {
                throw new IllegalArgumentException("cannot size " + c + " (only this project's classes and arrays)");
            }
            long shallow = 12;
            for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
                for (Field f : k.getDeclaredFields()) {
                    if (Modifier.isStatic(f.getModifiers())) {
                        continue;
                    }
                    shallow += size(f.getType());
                    if (!f.getType().isPrimitive()) {
                        Object x = get(f, o);
                        if (x != null) {
                            todo.push(x);
                        }
                    }
                }
            }
            bytes += align(shallow);
        }
        return bytes;
    }

    private static Object get(Field f, Object o) {
        try {
            f.setAccessible(true);
            return f.get(o);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long size(Class<?> t) {
        if (t == long.class || t == double.class) {
            return 8;
        }
        if (t == int.class || t == float.class) {
            return 4;
        }
        if (t == short.class || t == char.class) {
            return 2;
        }
        if (t == byte.class || t == boolean.class) {
            return 1;
        }
        return 4;
    }

    private static long align(long bytes) {
        return (bytes + 7) & ~7L;
    }
}
