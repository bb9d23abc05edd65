package io.edgeai.gateway.nlp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Version;

/** The version pins a text pipeline's configuration gives, and the clear refusal of those that cannot work. */
class TextVersionPinsTest {
    private static TextPipelineConfig config(Map<String, Object> values) {
        return (TextPipelineConfig) Proxy.newProxyInstance(
                TextPipelineConfig.class.getClassLoader(),
                new Class<?>[] {TextPipelineConfig.class},
                (proxy, method, args) -> values.getOrDefault(method.getName(), method.getDefaultValue()));
    }

    @Test
    void noRangesNoPins() {
        assertSame(TextVersionPins.NONE, TextVersionPins.from(config(Map.of())));
    }

    @Test
    void eachRangePinsItsModelByName() {
        TextVersionPins pins = TextVersionPins.from(config(Map.of(
                "encoderVersionRange",
                " [1.0,1.1) ",
                "slot_model",
                "iot-slots-minilm",
                "slotModelVersionRange",
                "[2.0.0,2.0.0]")));
        assertTrue(pins.ranges().get("all-minilm-l6-v2-q").range().includes(new Version("1.0.5")));
        assertTrue(!pins.ranges().get("all-minilm-l6-v2-q").range().includes(new Version("1.1.0")));
        assertTrue(pins.ranges().get("iot-slots-minilm").range().includes(new Version("2.0.0")));
        assertNull(pins.ranges().get("iot-intent-minilm"), "no intent model range, no pin");
        assertEquals("encoder", pins.ranges().get("all-minilm-l6-v2-q").role());
    }

    @Test
    void aRangeThatIsNotOneIsRefusedNamingTheProperty() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> TextVersionPins.from(
                        config(Map.of("intent_model", "iot-intent-minilm", "intentModelVersionRange", "1.0,2.0"))));
        assertTrue(e.getMessage().startsWith("intentModelVersionRange is not an OSGi version range"), e.getMessage());
    }

    @Test
    void aRangeForAModelThePipelineDoesNotUseIsRefused() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> TextVersionPins.from(config(Map.of("slotModelVersionRange", "[1.0,2.0)"))));
        assertTrue(
                e.getMessage().startsWith("slotModelVersionRange pins a model the pipeline does not use"),
                e.getMessage());
    }
}
