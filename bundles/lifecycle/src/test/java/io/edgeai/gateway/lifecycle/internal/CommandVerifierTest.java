package io.edgeai.gateway.lifecycle.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandVerifierTest {
    private static final long MAX_AGE = 300_000;
    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);

    private static KeyPair key() throws Exception {
        return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    }

    private static String pub(KeyPair k) {
        return Base64.getEncoder().encodeToString(k.getPublic().getEncoded());
    }

    private static SignedCommand signed(KeyPair k, String gateway, String command, String nonce, long ts)
            throws Exception {
        SignedCommand unsigned = new SignedCommand(
                command, gateway, "nab-ae", "", "", "", nonce, ts, CommandVerifier.keyId(k.getPublic()), "");
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(k.getPrivate());
        s.update(unsigned.signedBytes());
        return new SignedCommand(
                command,
                gateway,
                "nab-ae",
                "",
                "",
                "",
                nonce,
                ts,
                unsigned.key(),
                Base64.getEncoder().encodeToString(s.sign()));
    }

    private CommandVerifier verifier(KeyPair... trusted) {
        String[] keys = new String[trusted.length];
        for (int i = 0; i < trusted.length; i++) {
            keys[i] = pub(trusted[i]);
        }
        return new CommandVerifier("gw", keys, MAX_AGE, clock::get);
    }

    private static String refusal(CommandVerifier v, SignedCommand c, String topicCommand) {
        return assertThrows(CommandRefused.class, () -> v.verify(c, topicCommand))
                .getMessage();
    }

    @Test
    void acceptsAFreshCommandSignedByACommandKeyOnceOnly() throws Exception {
        KeyPair k = key();
        CommandVerifier v = verifier(key(), k);
        SignedCommand c = signed(k, "gw", "rollback", "n-1", clock.get() - 1000);
        v.verify(c, "rollback");
        assertTrue(refusal(v, c, "rollback").startsWith("replayed"));
        v.verify(signed(k, "gw", "rollback", "n-2", clock.get()), "rollback");
    }

    @Test
    void refusesWithAReasonWhatCarriesNoAuthority() throws Exception {
        KeyPair k = key();
        CommandVerifier v = verifier(k);
        long now = clock.get();
        assertTrue(
                refusal(v, signed(key(), "gw", "promote", "a", now), "promote").contains("not among the 1"));
        assertTrue(
                refusal(v, signed(k, "other", "promote", "b", now), "promote").startsWith("addressed to gateway"));
        assertTrue(refusal(v, signed(k, "gw", "promote", "c", now), "rollback").contains("arrived on the topic"));
        assertTrue(refusal(v, signed(k, "gw", "promote", "d", now - MAX_AGE - 1000), "promote")
                .startsWith("stale"));
        SignedCommand good = signed(k, "gw", "promote", "e", now);
        SignedCommand altered =
                new SignedCommand("promote", "gw", "other-model", "", "", "", "e", now, good.key(), good.signature());
        assertTrue(refusal(v, altered, "promote").startsWith("bad signature"));
        // a refused command does not use up its nonce
        v.verify(good, "promote");
        assertTrue(refusal(verifier(), good, "promote").startsWith("no command keys"));
    }

    @Test
    void aNonceIsRememberedAsLongAsItsCommandIsFresh() throws Exception {
        KeyPair k = key();
        CommandVerifier v = verifier(k);
        SignedCommand c = signed(k, "gw", "promote", "x", clock.get());
        v.verify(c, "promote");
        clock.addAndGet(MAX_AGE);
        assertTrue(refusal(v, c, "promote").startsWith("replayed"));
        clock.addAndGet(2000);
        assertTrue(refusal(v, c, "promote").startsWith("stale"));
    }

    @Test
    void commandsSignedByTheSigningToolVerify(@TempDir Path dir) throws Exception {
        Path tool = Path.of("../../tools/sign-model/SignModel.java")
                .toAbsolutePath()
                .normalize();
        Path key = dir.resolve("k.pem");
        Path artifact = Files.write(dir.resolve("a.jar"), new byte[] {1, 2, 3});
        String publicKey = run(tool, "keygen", key.toString()).trim();
        String json = run(
                tool,
                "sign-command",
                key.toString(),
                "gw",
                "deploy",
                "artifact=" + artifact.toUri(),
                "responseTopic=ops/answers");
        SignedCommand c = SignedCommand.parse(json.getBytes(StandardCharsets.UTF_8));
        assertEquals("039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81", c.sha256());
        assertEquals("ops/answers", c.responseTopic());
        new CommandVerifier("gw", new String[] {publicKey}, MAX_AGE, System::currentTimeMillis).verify(c, "deploy");
    }

    private static String run(Path tool, String... args) throws Exception {
        String[] cmd = new String[args.length + 2];
        cmd[0] = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        cmd[1] = tool.toString();
        System.arraycopy(args, 0, cmd, 2, args.length);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "tool finished");
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    private static SignedCommand detail(KeyPair k, String pipeline, String series, String nonce, long ts)
            throws Exception {
        SignedCommand unsigned = new SignedCommand(
                "detail", "gw", "", "", "", "", nonce, ts, CommandVerifier.keyId(k.getPublic()), "", pipeline, series);
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(k.getPrivate());
        s.update(unsigned.signedBytes());
        return withSeries(unsigned, pipeline, series, Base64.getEncoder().encodeToString(s.sign()));
    }

    private static SignedCommand withSeries(SignedCommand c, String pipeline, String series, String signature) {
        return new SignedCommand(
                c.command(),
                c.gateway(),
                c.model(),
                c.artifact(),
                c.sha256(),
                c.responseTopic(),
                c.nonce(),
                c.ts(),
                c.key(),
                signature,
                pipeline,
                series);
    }

    @Test
    void theSignatureOfADetailCommandCoversItsPipelineAndSeries() throws Exception {
        KeyPair k = key();
        CommandVerifier v = verifier(k);
        SignedCommand c = detail(k, "demo", "pump-1/temperature", "d-1", clock.get());
        assertTrue(c.signedText().endsWith("ts=" + clock.get() + "\npipeline=demo\nseries=pump-1/temperature\n"));
        assertTrue(refusal(v, withSeries(c, "demo", "pump-2/temperature", c.signature()), "detail")
                .startsWith("bad signature"));
        assertTrue(refusal(v, withSeries(c, "other", "pump-1/temperature", c.signature()), "detail")
                .startsWith("bad signature"));
        assertTrue(refusal(v, withSeries(c, "", "", c.signature()), "detail").startsWith("bad signature"));
        v.verify(c, "detail");
        SignedCommand parsed = SignedCommand.parse(("{\"command\":\"detail\",\"gateway\":\"gw\",\"nonce\":\"d-2\","
                        + "\"ts\":1,\"signature\":\"x\",\"pipeline\":\"demo\",\"series\":\"pump-1/temperature\"}")
                .getBytes(StandardCharsets.UTF_8));
        assertEquals("demo", parsed.pipeline());
        assertEquals("pump-1/temperature", parsed.series());
    }

    @Test
    void aModelCommandsSignedTextIsUnchanged() throws Exception {
        SignedCommand c = signed(key(), "gw", "rollback", "n-1", 5);
        assertEquals(
                "edgeai-command-v1\ngateway=gw\ncommand=rollback\nmodel=nab-ae\nartifact=\nsha256=\nresponseTopic=\n"
                        + "nonce=n-1\nts=5\n",
                c.signedText());
    }
}
