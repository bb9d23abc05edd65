package io.edgeai.gateway.broker.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.junit.jupiter.api.Test;

class RefusedSubscriptionsTest {

    @Test
    void aSubscriptionIsRefusedWhenItsFilterReadAsATopicMatchesAConfiguredFilter() {
        RefusedSubscriptions refused = RefusedSubscriptions.of("secret/#", "plant/+/raw, test/nosubscribe");
        assertTrue(refused.refuses("secret/a"));
        assertTrue(refused.refuses("secret/+"));
        assertTrue(refused.refuses("secret/#"));
        assertTrue(refused.refuses("secret"));
        assertTrue(refused.refuses("plant/7/raw"));
        assertTrue(refused.refuses("test/nosubscribe"));
        assertFalse(refused.refuses("+/a"), "a list of forbidden filters, not an ACL");
        assertFalse(refused.refuses("#"));
        assertFalse(refused.refuses("plant/7/raw/x"));
        assertFalse(refused.refuses("sensors/a/temp"));
        assertFalse(RefusedSubscriptions.of("#").refuses("$SYS/broker"), "# does not reach $ topics");
        assertTrue(RefusedSubscriptions.of("$SYS/#").refuses("$SYS/broker"));
        assertTrue(RefusedSubscriptions.of("", " ").isEmpty());
    }

    @Test
    void aConfiguredFilterWithMisplacedWildcardsIsNamed() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> RefusedSubscriptions.of("ok/#", "a/#/b"));
        assertEquals(
                "'a/#/b' is not an MQTT topic filter: '#' must be a whole last level and '+' a whole level",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RefusedSubscriptions.of("a+/b"));
    }

    @Test
    void theBrokerAnswersARefusedSubscriptionWithAFailureAndGrantsTheOthers() throws Exception {
        try (RunningBroker broker =
                        RunningBroker.start(Map.of("refusedSubscriptions", new String[] {"test/nosubscribe"}));
                PahoPeer client = PahoPeer.connect(broker.uri(), "refused-subscriber", true);
                PahoPeer publisher = PahoPeer.connect(broker.uri(), "refused-publisher", true)) {
            IMqttToken token = client.client.subscribe(new String[] {"test/nosubscribe", "test/ok"}, new int[] {1, 1});
            token.waitForCompletion(10_000);
            assertArrayEquals(new int[] {0x80, 1}, token.getGrantedQos(), "SUBACK: failure, then QoS 1");
            publisher.publish("test/nosubscribe", "no", 1, false);
            publisher.publish("test/ok", "yes", 1, false);
            assertEquals(1, client.awaitCount(1, 10_000));
            assertEquals(
                    "test/ok yes",
                    client.received.get(0).topic() + " "
                            + client.received.get(0).payload());
        }
    }

    @Test
    void aBadFilterKeepsTheBrokerFromStartingWithTheReason() throws Exception {
        BrokerSettings.RefusedException e = assertThrows(
                BrokerSettings.RefusedException.class,
                () -> BrokerSettings.from(
                        TestConfigs.of(BrokerConfig.class, Map.of("refusedSubscriptions", new String[] {"a/#/b"})),
                        java.nio.file.Path.of(".")));
        assertTrue(
                e.getMessage().startsWith("refusedSubscriptions: 'a/#/b' is not an MQTT topic filter"), e.getMessage());
    }
}
