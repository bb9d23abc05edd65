package io.edgeai.gateway.broker.internal;

import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;

/** HiveMQ extension, built into this bundle, that installs the {@link ClientAuthenticator}. */
final class SecurityExtension implements ExtensionMain {

    private final ClientAuthenticator authenticator;

    SecurityExtension(ClientAuthenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
        Services.securityRegistry().setAuthenticatorProvider(providerInput -> authenticator);
    }

    @Override
    public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {
        // the broker drops the provider with the extension
    }
}
