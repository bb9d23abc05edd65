package io.edgeai.gateway.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import io.edgeai.gateway.api.BrokerStatus;
import io.edgeai.gateway.api.EdgeAiConstants;
import io.edgeai.gateway.api.MqttConnection;

/**
 * A new user's first contact, against the built distribution and its embedded broker: the README's "Try it"
 * run as written (only the broker port added: tests use a free one) with Debian's {@code mosquitto_sub} and
 * {@code mosquitto_pub} and their default flags, and a burst from {@code mosquitto_pub -l} at QoS 0 answered
 * reading for reading, after which no result waits for a PUBACK.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FirstContactIT extends KarafTestSupport {

    private static final Duration BURST_TIMEOUT = Duration.ofSeconds(120);
    private static final String REPOSITORY = "edgeai.it.repository";

    @Override
    protected Option[] extraOptions() {
        try {
            // the tests run inside Karaf; the README and the sample data are in the repository
            return new Option[] {systemProperty(REPOSITORY).value(new File("..").getCanonicalPath())};
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    public void readmeTryItWorksWithTheMosquittoClientsDefaultFlags() throws Exception {
        BrokerStatus broker = runningBroker();
        Path repository = Path.of(System.getProperty(REPOSITORY));
        List<String> block = tryIt(Files.readString(repository.resolve("README.md"), StandardCharsets.UTF_8));
        String subscribe = command(block, "mosquitto_sub");
        String publish = command(block, "mosquitto_pub");
        assertTrue("runs in the background: " + subscribe, subscribe.endsWith("&"));
        Path out = Files.createTempFile("try-it", ".out");
        Process sub = new ProcessBuilder(
                        "bash",
                        "-c",
                        "exec "
                                + withPort(
                                        subscribe
                                                .substring(0, subscribe.length() - 1)
                                                .trim(),
                                        broker.port()))
                .directory(repository.toFile())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        try {
            // publish as the README says until a result shows: the first may beat the subscription
            String result = Poll.until("a result printed by mosquitto_sub", TIMEOUT, () -> {
                Process pub = new ProcessBuilder("bash", "-c", withPort(publish, broker.port()))
                        .directory(repository.toFile())
                        .redirectErrorStream(true)
                        .start();
                assertTrue("mosquitto_pub finished", pub.waitFor(30, TimeUnit.SECONDS));
                assertEquals(
                        "mosquitto_pub: " + new String(pub.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                        0,
                        pub.exitValue());
                return Files.readAllLines(out).stream()
                        .filter(l -> l.startsWith("edgeai/anomaly/machine-1/temperature "))
                        .findFirst()
                        .orElse(null);
            });
            assertTrue(result, result.contains("\"device\":\"machine-1\""));
        } finally {
            sub.destroy();
            sub.waitFor(10, TimeUnit.SECONDS);
        }
        // every file the block names is in the repository
        for (String line : block) {
            for (String word : line.split("\\s+")) {
                if (word.startsWith("tools/") || word.startsWith("integration-tests/") || word.startsWith("data/")) {
                    assertTrue("the README names " + word, Files.exists(repository.resolve(word)));
                }
            }
        }
    }

    @Test
    public void aQos0BurstFromMosquittoPubIsAnsweredReadingForReading() throws Exception {
        BrokerStatus broker = runningBroker();
        Path repository = Path.of(System.getProperty(REPOSITORY));
        int readings = 1_500;
        List<String> lines = Files.readAllLines(
                repository.resolve("integration-tests/src/test/resources/nab/machine_temperature_system_failure.csv"));
        String input = lines.subList(1, readings + 1).stream()
                .map(l -> l.split(","))
                .map(f -> "{\"ts\":\"" + f[0] + "\",\"value\":" + f[1] + "}")
                .collect(Collectors.joining("\n", "", "\n"));
        AtomicInteger results = new AtomicInteger();
        MqttClient observer = embeddedBrokerClient("first-contact-observer");
        try {
            // the pipeline subscribes after it starts, and QoS 0 readings sent before that reach nobody: probe
            AtomicInteger probes = new AtomicInteger();
            observer.subscribe("edgeai/anomaly/burst-probe/#", 1, (t, m) -> probes.incrementAndGet());
            Poll.until("the demo pipeline answering", BURST_TIMEOUT, () -> {
                observer.publish("sensors/burst-probe/temperature", "1".getBytes(StandardCharsets.UTF_8), 1, false);
                return probes.get() > 0;
            });
            observer.subscribe("edgeai/anomaly/burst-1/#", 1, (t, m) -> results.incrementAndGet());
            // default flags: no client id, QoS 0, MQTT 3.1.1; -l sends one message per line as fast as it reads
            Process pub = new ProcessBuilder(
                            "mosquitto_pub",
                            "-h",
                            "127.0.0.1",
                            "-p",
                            Integer.toString(broker.port()),
                            "-t",
                            "sensors/burst-1/temperature",
                            "-l")
                    .redirectErrorStream(true)
                    .start();
            try (var stdin = pub.getOutputStream()) {
                stdin.write(input.getBytes(StandardCharsets.UTF_8));
            }
            assertTrue("mosquitto_pub finished", pub.waitFor(60, TimeUnit.SECONDS));
            assertEquals(new String(pub.getInputStream().readAllBytes(), StandardCharsets.UTF_8), 0, pub.exitValue());
            try {
                Poll.until(
                        "a result for each of " + readings + " readings",
                        BURST_TIMEOUT,
                        () -> results.get() >= readings);
            } finally {
                System.out.printf(
                        "mosquitto_pub -l, QoS 0 burst of %d readings: %d results%n", readings, results.get());
            }
            assertEquals(readings, results.get());
            MqttConnection connection =
                    service(MqttConnection.class, "(" + EdgeAiConstants.CONNECTION_NAME + "=" + CONNECTION_NAME + ")");
            // every QoS 1 result was acknowledged: nothing left in the publish queue (edgeai_mqtt_publish_queue_depth)
            assertNotNull(Poll.until(
                    "publish queue empty",
                    TIMEOUT,
                    () -> connection.status().publishQueued() == 0 ? connection.status() : null));
        } finally {
            observer.disconnect();
            observer.close();
        }
    }

    /** @return the lines of the first bash block under "## Try it", continuation lines joined */
    static List<String> tryIt(String readme) {
        int section = readme.indexOf("\n## Try it");
        assertTrue("README has a Try it section", section >= 0);
        int start = readme.indexOf("```bash\n", section);
        int end = readme.indexOf("\n```", start + 8);
        String block = readme.substring(start + 8, end).replace("\\\n", " ");
        List<String> lines = new ArrayList<>();
        for (String line : block.split("\n")) {
            String trimmed = line.trim().replaceAll("\\s+", " ");
            if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
                lines.add(trimmed);
            }
        }
        return lines;
    }

    private static String command(List<String> block, String program) {
        return block.stream()
                .filter(l -> l.startsWith(program + " "))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + program + " in the README's Try it: " + block));
    }

    /** The README uses the shipped port 1883; the test's broker listens on a free one. */
    private static String withPort(String command, int port) {
        assertTrue("names the host: " + command, command.contains("-h 127.0.0.1"));
        return command.replace("-h 127.0.0.1", "-h 127.0.0.1 -p " + port);
    }
}
