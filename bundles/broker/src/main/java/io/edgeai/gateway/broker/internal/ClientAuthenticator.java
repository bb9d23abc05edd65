package io.edgeai.gateway.broker.internal;

import java.nio.ByteBuffer;

import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthInput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthOutput;
import com.hivemq.extension.sdk.api.packets.connect.ConnackReasonCode;
import com.hivemq.extension.sdk.api.packets.connect.ConnectPacket;

/**
 * Who may connect: clients without credentials when anonymous access is allowed (loopback only, see
 * {@link BrokerSettings}), and users of the password file with the right password. Everyone else gets "bad user
 * name or password" (CONNACK 4 in MQTT 3.1.1, reason 0x86 in MQTT 5).
 */
final class ClientAuthenticator implements SimpleAuthenticator {

    private final boolean anonymousAllowed;
    private final PasswordFile passwords;

    ClientAuthenticator(boolean anonymousAllowed, PasswordFile passwords) {
        this.anonymousAllowed = anonymousAllowed;
        this.passwords = passwords;
    }

    @Override
    public void onConnect(SimpleAuthInput input, SimpleAuthOutput output) {
        if (accepts(input.getConnectPacket())) {
            output.authenticateSuccessfully();
        } else {
            output.failAuthentication(ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD);
        }
    }

    boolean accepts(ConnectPacket connect) {
        if (connect.getUserName().isEmpty()) {
            return anonymousAllowed;
        }
        byte[] password = connect.getPassword().map(ClientAuthenticator::bytes).orElse(new byte[0]);
        return passwords.accepts(connect.getUserName().get(), password);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.asReadOnlyBuffer();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }
}
