package io.edgeai.gateway.broker.internal;

import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.events.client.ClientLifecycleEventListener;
import com.hivemq.extension.sdk.api.events.client.parameters.AuthenticationSuccessfulInput;
import com.hivemq.extension.sdk.api.events.client.parameters.ConnectionStartInput;
import com.hivemq.extension.sdk.api.events.client.parameters.DisconnectEventInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;

/**
 * HiveMQ extension, built into this bundle: installs the {@link ClientAuthenticator} and, when configured, the
 * {@link RefusedSubscriptions} and the {@link FlowControl} with what it needs to know (which clients subscribe,
 * which left).
 */
final class BrokerExtension implements ExtensionMain {

    private final ClientAuthenticator authenticator;
    private final RefusedSubscriptions refused;
    private final FlowControl flowControl;

    /** @param flowControl {@code null} when flow control is off */
    BrokerExtension(ClientAuthenticator authenticator, RefusedSubscriptions refused, FlowControl flowControl) {
        this.authenticator = authenticator;
        this.refused = refused;
        this.flowControl = flowControl;
    }

    @Override
    public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
        Services.securityRegistry().setAuthenticatorProvider(providerInput -> authenticator);
        if (!refused.isEmpty()) {
            Services.securityRegistry().setAuthorizerProvider(providerInput -> refused);
        }
        FlowControl fc = flowControl;
        if (fc == null) {
            return;
        }
        Services.initializerRegistry().setClientInitializer((initializerInput, client) -> {
            client.addPublishInboundInterceptor(fc);
            client.addSubscribeInboundInterceptor((subscribeInput, subscribeOutput) ->
                    fc.subscribed(subscribeInput.getClientInformation().getClientId()));
        });
        Services.eventRegistry().setClientLifecycleEventListener(listenerInput -> new ClientLifecycleEventListener() {
            @Override
            public void onMqttConnectionStart(ConnectionStartInput connectionStartInput) {
                // a client starts as a plain publisher; it becomes a subscriber when it subscribes
            }

            @Override
            public void onAuthenticationSuccessful(AuthenticationSuccessfulInput authenticated) {
                // a persistent session keeps its subscriptions: a subscriber that reconnects stays one
                String clientId = authenticated.getClientInformation().getClientId();
                Services.subscriptionStore().getSubscriptions(clientId).thenAccept(subscriptions -> {
                    if (!subscriptions.isEmpty()) {
                        fc.subscribed(clientId);
                    }
                });
            }

            @Override
            public void onDisconnect(DisconnectEventInput disconnectEventInput) {
                fc.disconnected(disconnectEventInput.getClientInformation().getClientId());
            }
        });
    }

    @Override
    public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {
        // the broker drops the provider, initializer and listener with the extension; held publishes are
        // released by the component when it stops
    }
}
