package io.edgeai.gateway.it;

import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.ops4j.pax.exam.Option;

/**
 * Signed remote commands as {@code tools/sign-model sign-command} writes them, for tests: a command key made
 * for the run, its public half in the gateway's {@code edgeai.lifecycle} configuration and its private half
 * handed to the test inside the container as a system property.
 */
final class SignedCommands {
    private SignedCommands() {}

    /**
     * @param gatewayId the gateway id configured
     * @return options configuring {@code gatewayId} and a fresh command key
     */
    static Option[] options(String gatewayId) {
        KeyPair key;
        try {
            key = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        String publicKey = Base64.getEncoder().encodeToString(key.getPublic().getEncoded());
        return new Option[] {
            systemProperty("edgeai.it.command.key")
                    .value(Base64.getEncoder().encodeToString(key.getPrivate().getEncoded())),
            systemProperty("edgeai.it.command.public").value(publicKey),
            editConfigurationFilePut("etc/edgeai.lifecycle.cfg", "gatewayId", gatewayId),
            editConfigurationFilePut("etc/edgeai.lifecycle.cfg", "commandKeys", publicKey)
        };
    }

    /** @return a command for {@code gateway} signed with the run's command key (inside the container) */
    static Map<String, Object> command(String gateway, String command, String model, String artifact, String sha256)
            throws GeneralSecurityException {
        PrivateKey key = KeyFactory.getInstance("Ed25519")
                .generatePrivate(new PKCS8EncodedKeySpec(
                        Base64.getDecoder().decode(System.getProperty("edgeai.it.command.key"))));
        PublicKey pub = KeyFactory.getInstance("Ed25519")
                .generatePublic(new X509EncodedKeySpec(
                        Base64.getDecoder().decode(System.getProperty("edgeai.it.command.public"))));
        return command(key, pub, gateway, command, model, artifact, sha256);
    }

    /** @return a command for {@code gateway} signed with {@code key}, naming {@code keyOf}'s id */
    static Map<String, Object> command(
            PrivateKey key,
            PublicKey keyOf,
            String gateway,
            String command,
            String model,
            String artifact,
            String sha256)
            throws GeneralSecurityException {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("command", command);
        c.put("gateway", gateway);
        c.put("model", model);
        c.put("artifact", artifact);
        c.put("sha256", sha256);
        c.put("responseTopic", "");
        c.put("nonce", UUID.randomUUID().toString());
        c.put("ts", System.currentTimeMillis());
        String text = "edgeai-command-v1\n" + "gateway=" + gateway + "\n" + "command=" + command + "\n" + "model="
                + model + "\n" + "artifact=" + artifact + "\n" + "sha256=" + sha256 + "\n" + "responseTopic=\n"
                + "nonce=" + c.get("nonce") + "\n" + "ts=" + c.get("ts") + "\n";
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(key);
        s.update(text.getBytes(StandardCharsets.UTF_8));
        c.put(
                "key",
                HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(keyOf.getEncoded()))
                        .substring(0, 16));
        c.put("signature", Base64.getEncoder().encodeToString(s.sign()));
        return c;
    }

    /**
     * @return a {@code detail} command for {@code gateway} asking for the recent raw readings of {@code series} of
     *         {@code pipeline}, signed with {@code key}, naming {@code keyOf}'s id
     */
    static Map<String, Object> detail(PrivateKey key, PublicKey keyOf, String gateway, String pipeline, String series)
            throws GeneralSecurityException {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("command", "detail");
        c.put("gateway", gateway);
        c.put("pipeline", pipeline);
        c.put("series", series);
        c.put("nonce", UUID.randomUUID().toString());
        c.put("ts", System.currentTimeMillis());
        String text = "edgeai-command-v1\n" + "gateway=" + gateway + "\n" + "command=detail\n" + "model=\n"
                + "artifact=\n" + "sha256=\n" + "responseTopic=\n" + "nonce=" + c.get("nonce") + "\n" + "ts="
                + c.get("ts") + "\n" + "pipeline=" + pipeline + "\n" + "series=" + series + "\n";
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(key);
        s.update(text.getBytes(StandardCharsets.UTF_8));
        c.put(
                "key",
                HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(keyOf.getEncoded()))
                        .substring(0, 16));
        c.put("signature", Base64.getEncoder().encodeToString(s.sign()));
        return c;
    }
}
