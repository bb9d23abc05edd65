package io.edgeai.gateway.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.karaf.options.LogLevelOption;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.cm.Configuration;

import io.edgeai.gateway.api.ConnectionState;
import io.edgeai.gateway.api.EdgeAiConstants;
import io.edgeai.gateway.api.MqttConnection;
import io.edgeai.gateway.testing.Mosquitto;
import io.edgeai.gateway.testing.TestCertificates;

/**
 * The distribution's security defaults, and mutual-TLS broker connections whose secrets come from files:
 * named by the {@code ...File} attributes (connected, secrets neither in {@code config:list} nor in the log),
 * or through Configuration Admin's {@code $[secret:NAME]} interpolation of files in {@code etc/}.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SecurityIT extends KarafTestSupport {

    private static final String USER_PASSWORD = "mqtt-pw-NOT-IN-LOGS-5e1";
    private static final String KEY_PASSWORD = "key-pw-NOT-IN-LOGS-a9c";
    private static final String TRUST_PASSWORD = "trust-pw-NOT-IN-LOGS-33b";

    /** Everything logged counts: root at INFO (Pax Exam's default is WARN), the gateway's loggers at TRACE. */
    @Override
    protected Option[] extraOptions() {
        return new Option[] {
            logLevel(LogLevelOption.LogLevel.INFO),
            editConfigurationFilePut("etc/org.ops4j.pax.logging.cfg", "log4j2.logger.edgeai.name", "io.edgeai"),
            editConfigurationFilePut("etc/org.ops4j.pax.logging.cfg", "log4j2.logger.edgeai.level", "TRACE")
        };
    }

    @Test
    public void mutualTlsConnectionWithSecretsFromFilesNeverShowsThem() throws Exception {
        Path etc = Path.of(System.getProperty("karaf.etc"));
        Path work = Files.createTempDirectory(Path.of(System.getProperty("karaf.data")), "tls");
        TestCertificates ca = TestCertificates.create(work);
        TestCertificates.Leaf server = ca.issue("broker", "ip:127.0.0.1", "server-pw");
        TestCertificates.Leaf client = ca.issue("gateway", "", KEY_PASSWORD);
        Path trustStore = ca.trustStore(TRUST_PASSWORD);
        Path passwd = Mosquitto.passwordFile(work, "gateway", USER_PASSWORD);
        Files.writeString(etc.resolve("edgeai-secure-password"), USER_PASSWORD + "\n");
        Files.writeString(etc.resolve("edgeai-secure-keystore-password"), KEY_PASSWORD);
        Files.writeString(etc.resolve("edgeai-secure-truststore-password"), TRUST_PASSWORD);

        try (Mosquitto broker = Mosquitto.startOnFreePort(List.of(
                "certfile " + server.certPem(),
                "keyfile " + server.keyPem(),
                "cafile " + ca.caPem(),
                "require_certificate true",
                "allow_anonymous false",
                "password_file " + passwd))) {
            Configuration config = configurationAdmin.createFactoryConfiguration("edgeai.mqtt.connection", "?");
            Dictionary<String, Object> props = new Hashtable<>();
            props.put("name", "secure");
            props.put("serverUri", broker.sslUri("127.0.0.1"));
            props.put("username", "gateway");
            props.put("passwordFile", etc.resolve("edgeai-secure-password").toString());
            props.put("keyStore", client.pkcs12().toString());
            props.put(
                    "keyStorePasswordFile",
                    etc.resolve("edgeai-secure-keystore-password").toString());
            props.put("trustStore", trustStore.toString());
            props.put(
                    "trustStorePasswordFile",
                    etc.resolve("edgeai-secure-truststore-password").toString());
            config.update(props);
            try {
                MqttConnection secure =
                        service(MqttConnection.class, "(" + EdgeAiConstants.CONNECTION_NAME + "=secure)");
                Poll.until(
                        "secure connection up", TIMEOUT, () -> secure.status().state() == ConnectionState.CONNECTED);

                String listed = executeCommand("config:list '(name=secure)'");
                assertTrue(listed, listed.contains("edgeai-secure-password"));
                assertNoSecretIn("config:list", listed);
                String log = Poll.until("the connection's start in the log", TIMEOUT, () -> {
                    String text = logs();
                    return text.contains("MQTT connection secure connected") ? text : null;
                });
                assertNoSecretIn("the log", log);
            } finally {
                config.delete();
            }

            // Karaf 4.4's interpolation plugin resolves $[secret:NAME] from etc/NAME (config:list then shows the
            // resolved value, so the ...File attributes are what the README recommends)
            Configuration interpolated = configurationAdmin.createFactoryConfiguration("edgeai.mqtt.connection", "?");
            Dictionary<String, Object> p2 = new Hashtable<>();
            p2.put("name", "interpolated");
            p2.put("serverUri", broker.sslUri("127.0.0.1"));
            p2.put("username", "gateway");
            p2.put("password", "$[secret:edgeai-secure-password]");
            p2.put("keyStore", client.pkcs12().toString());
            p2.put("keyStorePassword", "$[secret:edgeai-secure-keystore-password]");
            p2.put("trustStore", trustStore.toString());
            p2.put("trustStorePassword", "$[secret:edgeai-secure-truststore-password]");
            interpolated.update(p2);
            try {
                MqttConnection c =
                        service(MqttConnection.class, "(" + EdgeAiConstants.CONNECTION_NAME + "=interpolated)");
                Poll.until(
                        "interpolated connection up", TIMEOUT, () -> c.status().state() == ConnectionState.CONNECTED);
                String log = Poll.until("the connection's start in the log", TIMEOUT, () -> {
                    String text = logs();
                    return text.contains("MQTT connection interpolated connected") ? text : null;
                });
                assertNoSecretIn("the log", log);
            } finally {
                interpolated.delete();
            }
        }
    }

    /** @return every log file of the container (karaf.log, security.log, rotated ones), concatenated */
    private static String logs() throws Exception {
        Path dir = Path.of(System.getProperty(
                "karaf.log", Path.of(System.getProperty("karaf.data"), "log").toString()));
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().collect(Collectors.toList())) {
                all.append(new String(Files.readAllBytes(f), StandardCharsets.UTF_8));
            }
        }
        return all.toString();
    }

    @Test
    public void connectionMetatypeListsTheTlsFieldsAndMarksPasswords() {
        String meta = executeCommand("config:meta edgeai.mqtt.connection");
        for (String field :
                List.of("keyStore", "keyStorePasswordFile", "trustStore", "trustStorePasswordFile", "passwordFile")) {
            assertTrue(meta, meta.contains(field));
        }
        // the password attributes are of metatype type PASSWORD, so consoles mask them
        org.osgi.framework.Bundle mqtt = java.util.Arrays.stream(bundleContext.getBundles())
                .filter(b -> "edgeai-mqtt".equals(b.getSymbolicName()))
                .findFirst()
                .orElseThrow();
        org.osgi.service.metatype.ObjectClassDefinition ocd = service(org.osgi.service.metatype.MetaTypeService.class)
                .getMetaTypeInformation(mqtt)
                .getObjectClassDefinition("edgeai.mqtt.connection", null);
        java.util.Map<String, Integer> types = new java.util.HashMap<>();
        for (org.osgi.service.metatype.AttributeDefinition ad :
                ocd.getAttributeDefinitions(org.osgi.service.metatype.ObjectClassDefinition.ALL)) {
            types.put(ad.getID(), ad.getType());
        }
        for (String secret : List.of("password", "keyStorePassword", "trustStorePassword")) {
            assertEquals(
                    secret, Integer.valueOf(org.osgi.service.metatype.AttributeDefinition.PASSWORD), types.get(secret));
        }
        assertEquals(Integer.valueOf(org.osgi.service.metatype.AttributeDefinition.STRING), types.get("passwordFile"));
    }

    private static void assertNoSecretIn(String where, String text) {
        for (String secret : List.of(USER_PASSWORD, KEY_PASSWORD, TRUST_PASSWORD)) {
            assertFalse("a secret is in " + where, text.contains(secret));
        }
    }

    @Test
    public void noUsersShipAndRemoteConsolesListenOnLoopbackOnly() throws Exception {
        Path etc = Path.of(System.getProperty("karaf.etc"));
        List<String> users;
        try (Stream<String> lines = Files.lines(etc.resolve("users.properties"))) {
            users = lines.map(String::trim)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .collect(Collectors.toList());
        }
        assertEquals("no user or group in etc/users.properties", List.of(), users);
        assertEquals("127.0.0.1", property("org.apache.karaf.shell", "sshHost"));
        assertEquals("127.0.0.1", property("org.apache.karaf.management", "rmiRegistryHost"));
        assertEquals("127.0.0.1", property("org.apache.karaf.management", "rmiServerHost"));
        assertEquals("false", String.valueOf(property("org.apache.karaf.management", "jmxmpEnabled")));
        // JMX is not started at all unless an operator installs the management feature
        assertFalse(
                "JMX (management) is not a boot feature",
                java.util.Arrays.stream(bundleContext.getBundles())
                        .anyMatch(b -> b.getSymbolicName().startsWith("org.apache.karaf.management")));
        // a password an operator writes into users.properties is stored hashed
        assertEquals("true", String.valueOf(property("org.apache.karaf.jaas", "encryption.enabled")));
        // and the operator is told at start how to add a user
        Poll.until("first-start advice in the log", TIMEOUT, () -> logs().contains("No console users are configured"));
    }

    private Object property(String pid, String key) throws Exception {
        return Poll.until(pid + " " + key, TIMEOUT, () -> {
            Dictionary<String, Object> p =
                    configurationAdmin.getConfiguration(pid, null).getProperties();
            return p == null ? null : p.get(key);
        });
    }
}
