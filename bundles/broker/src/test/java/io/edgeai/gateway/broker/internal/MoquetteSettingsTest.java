package io.edgeai.gateway.broker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MoquetteSettingsTest {

    @TempDir
    Path dir;

    @Test
    void defaultsAreLoopbackAnonymousInMemoryAndWithoutTelemetry() throws Exception {
        Properties props = MoquetteSettings.from(TestConfigs.of(BrokerConfig.class, Map.of()), dir);
        assertEquals("127.0.0.1", props.getProperty("host"));
        assertEquals("1883", props.getProperty("port"));
        assertEquals("true", props.getProperty("allow_anonymous"));
        assertEquals("false", props.getProperty("persistence_enabled"));
        assertEquals("false", props.getProperty("telemetry_enabled"));
        assertEquals("16777216", props.getProperty("netty.mqtt.message_size"));
        assertEquals(dir.resolve("edgeai-broker").toString(), props.getProperty("data_path"));
    }

    @Test
    void anyOtherAddressNeedsAPasswordFileAndNeverAllowsAnonymous() throws Exception {
        MoquetteSettings.RefusedException refused = assertThrows(MoquetteSettings.RefusedException.class,
                () -> MoquetteSettings.from(TestConfigs.of(BrokerConfig.class, Map.of("host", "0.0.0.0")), dir));
        assertTrue(refused.getMessage().contains("not a loopback address"), refused.getMessage());

        Path passwords = Files.writeString(dir.resolve("passwords"), "user:0000\n");
        Properties props = MoquetteSettings.from(TestConfigs.of(BrokerConfig.class,
                Map.of("host", "0.0.0.0", "passwordFile", passwords.toString())), dir);
        assertEquals("false", props.getProperty("allow_anonymous"));
        assertEquals(passwords.toString(), props.getProperty("password_file"));
    }

    @Test
    void anUnreadablePasswordFileIsRefused() {
        MoquetteSettings.RefusedException refused = assertThrows(MoquetteSettings.RefusedException.class,
                () -> MoquetteSettings.from(TestConfigs.of(BrokerConfig.class,
                        Map.of("passwordFile", dir.resolve("missing").toString())), dir));
        assertTrue(refused.getMessage().contains("not readable"), refused.getMessage());
    }
}
