package io.edgeai.gateway.pipeline.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** A wrong value typed into the configuration gets one line naming the property, not a stack trace. */
class PipelineConfigCheckTest {

    /**
     * A configuration as the component runtime hands it over: the descriptor's defaults, some values set, and
     * for a value it cannot convert a runtime exception (SCR's {@code ComponentException}) wrapping the conversion
     * error on every read.
     */
    private static AnomalyPipelineConfig config(Map<String, Object> values) {
        return (AnomalyPipelineConfig) Proxy.newProxyInstance(
                AnomalyPipelineConfig.class.getClassLoader(),
                new Class<?>[] {AnomalyPipelineConfig.class},
                (proxy, method, args) -> {
                    Object v = values.get(method.getName());
                    if (v instanceof String s && method.getReturnType() != String.class) {
                        try {
                            return method.getReturnType() == int.class
                                    ? (Object) Integer.parseInt(s)
                                    : (Object) Long.parseLong(s);
                        } catch (NumberFormatException e) {
                            throw new IllegalStateException("conversion failed", e); // SCR: a ComponentException
                        }
                    }
                    return v != null ? v : method.getDefaultValue();
                });
    }

    @Test
    void aWordWhereANumberBelongsNamesThePropertyAndItsType() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> PipelineSettings.checked(config(Map.of("seriesMemoryMegabytes", "lots"))));
        assertTrue(e.getMessage().startsWith("seriesMemoryMegabytes is not a valid int"), e.getMessage());
        assertTrue(e.getMessage().contains("\"lots\""), e.getMessage());
    }

    @Test
    void aNumberOutOfRangeIsRefusedWithTheRule() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> PipelineSettings.checked(config(Map.of("seriesIdleSeconds", "-5"))));
        assertTrue(e.getMessage().contains("seriesIdleSeconds"), e.getMessage());
    }

    @Test
    void theShippedDefaultsPassAndPropertyNamesFollowTheNameMapping() {
        assertEquals(10000, PipelineSettings.checked(config(Map.of())).maxSeries());
        assertEquals("connection.target", io.edgeai.gateway.api.ConfigValues.property("connection_target"));
        assertEquals("a_b", io.edgeai.gateway.api.ConfigValues.property("a__b"));
    }
}
