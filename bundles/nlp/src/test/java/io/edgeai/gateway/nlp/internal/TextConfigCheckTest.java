package io.edgeai.gateway.nlp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.edgeai.gateway.mqtt.internal.ConnectionSettings;
import io.edgeai.gateway.mqtt.internal.PahoConnection;

/** A wrong value typed into a text pipeline's configuration gets one line naming the property, not a stack trace. */
class TextConfigCheckTest {

    /**
     * The shipped defaults as the component runtime hands them over, except that reading {@code badMethod}
     * fails as the runtime fails on a value it cannot convert (a runtime exception wrapping the parse error).
     */
    private static TextPipelineConfig configWithUnconvertible(String badMethod, String typed) {
        return (TextPipelineConfig) Proxy.newProxyInstance(
                TextPipelineConfig.class.getClassLoader(),
                new Class<?>[] {TextPipelineConfig.class},
                (proxy, method, args) -> {
                    if (method.getName().equals(badMethod)) {
                        throw new IllegalStateException(
                                "conversion failed", new NumberFormatException("For input string: \"" + typed + "\""));
                    }
                    return method.getDefaultValue();
                });
    }

    @Test
    void aWordWhereANumberBelongsNamesThePropertyItsTypeAndTheValue() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> TextSettings.checked(configWithUnconvertible("queueCapacity", "many")));
        assertTrue(e.getMessage().startsWith("queueCapacity is not a valid int"), e.getMessage());
        assertTrue(e.getMessage().contains("\"many\""), e.getMessage());
    }

    @Test
    void dottedPropertiesAreNamedAsTyped() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> TextSettings.checked(configWithUnconvertible("max_text_length", "long")));
        assertTrue(e.getMessage().startsWith("max.text.length is not a valid int"), e.getMessage());
    }

    @Test
    void theDefaultsPass() {
        assertEquals(
                1000, TextSettings.checked(configWithUnconvertible("none", "")).queueCapacity());
    }

    @Test
    void aLaneThatIsNotOneRefusesThePipelineNamingTheProperty() throws Exception {
        TextPipelineConfig config = (TextPipelineConfig) Proxy.newProxyInstance(
                TextPipelineConfig.class.getClassLoader(),
                new Class<?>[] {TextPipelineConfig.class},
                (proxy, method, args) -> method.getName().equals("lane") ? "voice/lane" : method.getDefaultValue());
        // a real connection (nothing listens on port 1: it keeps retrying in the background)
        try (PahoConnection connection =
                new PahoConnection(ConnectionSettings.of("local", "tcp://127.0.0.1:1", "lane-check"))) {
            TextPipeline pipeline = new TextPipeline(connection, null, config, Map.of());
            String problem = pipeline.status().problem();
            assertTrue(problem.contains("lane: "), problem);
            assertTrue(problem.contains("voice/lane"), problem);
            pipeline.deactivate();
        }
    }
}
