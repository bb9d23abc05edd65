package io.edgeai.gateway.pipeline.internal;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;

/**
 * How full the heap was after the last garbage collection: the sum of the heap pools' collection usage (what
 * each pool held right after the collector last ran on it) over the maximum heap. Unlike the current usage it
 * does not count garbage waiting for the next collection, so a full-looking heap between two collections does
 * not refuse series. With the Serial and G1 collectors the old generation's figure is renewed by full (and G1
 * mixed) collections only, so it can lag behind promotions; it is the backstop behind the estimated series
 * memory budget, not the primary limit.
 */
final class HeapHeadroom {
    private static final List<MemoryPoolMXBean> POOLS = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP && p.isCollectionUsageThresholdSupported())
            .toList();

    private HeapHeadroom() {}

    /** @return percent (0..100+) of the maximum heap in use after the last collection; 0 when unknown */
    static int usedAfterGcPercent() {
        long max = Runtime.getRuntime().maxMemory();
        if (max <= 0 || max == Long.MAX_VALUE) {
            return 0;
        }
        long used = 0;
        for (MemoryPoolMXBean p : POOLS) {
            MemoryUsage u = p.getCollectionUsage();
            if (u != null) {
                used += u.getUsed();
            }
        }
        return (int) (100 * used / max);
    }
}
