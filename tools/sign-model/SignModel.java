import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Signs EdgeAI model bundles with Ed25519 (JDK crypto only). Runs as a single source file:
 *
 * <pre>
 * java tools/sign-model/SignModel.java keygen KEY.pem                 new key pair; prints the public key
 * java tools/sign-model/SignModel.java public-key KEY.pem             prints the public key (for trustedKeys)
 * java tools/sign-model/SignModel.java sign-jar KEY.pem IN.jar OUT.jar signs a built model bundle
 * java tools/sign-model/SignModel.java sign-dir KEY.pem DIR [--create-key]  signs every descriptor under DIR
 * java tools/sign-model/SignModel.java onnx-cfg KEY.pem OUT.cfg       writes an edgeai.onnx.cfg trusting the key
 * java tools/sign-model/SignModel.java sign-command KEY.pem GATEWAY COMMAND [artifact=URL] [sha256=HEX]
 *                                      [model=NAME] [responseTopic=TOPIC] [pipeline=NAME] [series=DEVICE/QUANTITY]
 *                                                                           prints a signed remote command
 * </pre>
 *
 * A remote command (published to {@code edgeai/<gateway>/cmd/<command>}) is JSON whose Ed25519 signature
 * covers {@code "edgeai-command-v1\n"} followed by the lines {@code gateway=, command=, model=, artifact=,
 * sha256=, responseTopic=, nonce=, ts=} (each {@code name=value\n}, in that order), then, only when either is
 * given (the {@code detail} command), {@code pipeline=, series=}; a fresh random nonce and
 * the current time are filled in. For a {@code file:} artifact without {@code sha256=} the file's SHA-256 is
 * computed. The gateway checks exactly this (io.edgeai.gateway.lifecycle.internal.CommandVerifier).
 *
 * A signature covers the descriptor's bytes and the model file's bytes: the signed message is
 * {@code "edgeai-model-signature-v1\n" + hex(sha256(descriptor)) + "\n" + hex(sha256(model)) + "\n"}. It is
 * stored next to the descriptor as {@code <descriptor>.sig}: {@code {"algorithm":"Ed25519","key":"<key
 * id>","signature":"<base64>"}}, the key id being the first 16 hex digits of the SHA-256 of the public key's
 * X.509 encoding. The gateway's model extender checks exactly this (io.edgeai.gateway.onnx.internal.ModelSignature).
 */
public final class SignModel {
    private static final Pattern FILE = Pattern.compile("\"file\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern SHA = Pattern.compile("\"sha256\"\\s*:\\s*\"[0-9a-fA-F]{64}\"");

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            usage();
        }
        Path key = Path.of(args[1]);
        switch (args[0]) {
            case "keygen" -> System.out.println(publicKey(keygen(key)));
            case "public-key" -> System.out.println(publicKey(readKey(key)));
            case "sign-jar" -> {
                if (args.length != 4) {
                    usage();
                }
                signJar(readKey(key), Path.of(args[2]), Path.of(args[3]));
            }
            case "sign-dir" -> {
                boolean create = List.of(args).contains("--create-key");
                KeyPair pair = create && !Files.exists(key) ? keygen(key) : readKey(key);
                signDir(pair, Path.of(args[2]));
            }
            case "onnx-cfg" -> {
                boolean create = List.of(args).contains("--create-key");
                KeyPair pair = create && !Files.exists(key) ? keygen(key) : readKey(key);
                Path out = Path.of(args[2]);
                Files.createDirectories(out.toAbsolutePath().getParent());
                Files.writeString(out, String.join("\n",
                        "# EdgeAI Gateway: model runtime (PID edgeai.onnx). `config:meta edgeai.onnx` lists every field.",
                        "# Secure mode: a model bundle must carry a valid Ed25519 signature by one of trustedKeys",
                        "# (comma-separated base64 X.509 public keys); unsigned or badly signed models are refused.",
                        "# The key below is the one this distribution's model bundles were signed with at build time.",
                        "secureMode = true",
                        "trustedKeys = " + publicKey(pair),
                        ""));
            }
            case "sign-command" -> {
                if (args.length < 4) {
                    usage();
                }
                System.out.println(signCommand(readKey(key), args[2], args[3],
                        List.of(args).subList(4, args.length)));
            }
            default -> usage();
        }
    }

    /** @return the JSON of a signed remote command */
    static String signCommand(KeyPair pair, String gateway, String command, List<String> fields)
            throws GeneralSecurityException, IOException {
        java.util.Map<String, String> f = new java.util.HashMap<>();
        for (String kv : fields) {
            int eq = kv.indexOf('=');
            if (eq <= 0
                    || !List.of("artifact", "sha256", "model", "responseTopic", "pipeline", "series")
                            .contains(kv.substring(0, eq))) {
                throw new IllegalArgumentException(
                        "expected artifact=, sha256=, model=, responseTopic=, pipeline= or series=, not " + kv);
            }
            f.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        String artifact = f.getOrDefault("artifact", "");
        String sha256 = f.getOrDefault("sha256", "");
        if (sha256.isEmpty() && artifact.startsWith("file:")) {
            sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(
                    Files.readAllBytes(Path.of(java.net.URI.create(artifact)))));
        }
        String nonce = java.util.UUID.randomUUID().toString();
        long ts = System.currentTimeMillis();
        String model = f.getOrDefault("model", "");
        String responseTopic = f.getOrDefault("responseTopic", "");
        String pipeline = f.getOrDefault("pipeline", "");
        String series = f.getOrDefault("series", "");
        boolean detail = !pipeline.isEmpty() || !series.isEmpty();
        String text = "edgeai-command-v1\n" + "gateway=" + gateway + "\n" + "command=" + command + "\n" + "model="
                + model + "\n" + "artifact=" + artifact + "\n" + "sha256=" + sha256 + "\n" + "responseTopic="
                + responseTopic + "\n" + "nonce=" + nonce + "\n" + "ts=" + ts + "\n"
                + (detail ? "pipeline=" + pipeline + "\n" + "series=" + series + "\n" : "");
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(pair.getPrivate());
        s.update(text.getBytes(StandardCharsets.UTF_8));
        return "{\"command\":" + json(command) + ",\"gateway\":" + json(gateway) + ",\"model\":" + json(model)
                + ",\"artifact\":" + json(artifact) + ",\"sha256\":" + json(sha256) + ",\"responseTopic\":"
                + json(responseTopic) + (detail ? ",\"pipeline\":" + json(pipeline) + ",\"series\":" + json(series) : "")
                + ",\"nonce\":" + json(nonce) + ",\"ts\":" + ts + ",\"key\":"
                + json(keyId(pair.getPublic())) + ",\"signature\":" + json(Base64.getEncoder().encodeToString(
                        s.sign())) + "}";
    }

    private static String json(String v) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : v.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    private static void usage() {
        System.err.println("usage: SignModel keygen|public-key KEY.pem | sign-jar KEY.pem IN.jar OUT.jar"
                + " | sign-dir KEY.pem DIR [--create-key] | onnx-cfg KEY.pem OUT.cfg [--create-key]"
                + " | sign-command KEY.pem GATEWAY COMMAND [artifact=URL] [sha256=HEX] [model=NAME]"
                + " [responseTopic=TOPIC] [pipeline=NAME] [series=DEVICE/QUANTITY]");
        System.exit(2);
    }

    static KeyPair keygen(Path file) throws GeneralSecurityException, IOException {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, "key", ".tmp");
        Files.writeString(tmp, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(
                        pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n-----BEGIN PUBLIC KEY-----\n" + publicKey(pair)
                + "\n-----END PUBLIC KEY-----\n");
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return pair;
    }

    static KeyPair readKey(Path file) throws GeneralSecurityException, IOException {
        String text = Files.readString(file);
        KeyFactory kf = KeyFactory.getInstance("Ed25519");
        PrivateKey priv = kf.generatePrivate(new PKCS8EncodedKeySpec(pem(text, "PRIVATE KEY")));
        PublicKey pub = kf.generatePublic(new X509EncodedKeySpec(pem(text, "PUBLIC KEY")));
        return new KeyPair(pub, priv);
    }

    private static byte[] pem(String text, String kind) {
        int start = text.indexOf("-----BEGIN " + kind + "-----");
        int end = text.indexOf("-----END " + kind + "-----");
        if (start < 0 || end < 0) {
            throw new IllegalArgumentException("key file lacks a " + kind + " block");
        }
        return Base64.getMimeDecoder().decode(text.substring(start + kind.length() + 16, end));
    }

    static String publicKey(KeyPair pair) {
        return Base64.getEncoder().encodeToString(pair.getPublic().getEncoded());
    }

    static String keyId(PublicKey key) throws GeneralSecurityException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getEncoded())).substring(0, 16);
    }

    /** @return the signature file's content for this descriptor and model */
    static String signature(KeyPair pair, byte[] descriptor, byte[] model) throws GeneralSecurityException {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        String message = "edgeai-model-signature-v1\n" + HexFormat.of().formatHex(sha.digest(descriptor)) + "\n"
                + HexFormat.of().formatHex(sha.digest(model)) + "\n";
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(pair.getPrivate());
        s.update(message.getBytes(StandardCharsets.UTF_8));
        return "{\"algorithm\":\"Ed25519\",\"key\":\"" + keyId(pair.getPublic()) + "\",\"signature\":\""
                + Base64.getEncoder().encodeToString(s.sign()) + "\"}\n";
    }

    private static String modelFile(String descriptor) {
        Matcher m = FILE.matcher(descriptor);
        return m.find() && SHA.matcher(descriptor).find() ? m.group(1) : null;
    }

    /** Signs every model descriptor (a JSON naming a file and its sha256) under a directory. */
    static void signDir(KeyPair pair, Path dir) throws IOException, GeneralSecurityException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<Path> jsons;
        try (Stream<Path> s = Files.walk(dir)) {
            jsons = s.filter(p -> p.toString().endsWith(".json")).toList();
        }
        for (Path json : jsons) {
            byte[] descriptor = Files.readAllBytes(json);
            String file = modelFile(new String(descriptor, StandardCharsets.UTF_8));
            Path model = file == null ? null : json.resolveSibling(file);
            if (model == null || !Files.isRegularFile(model)) {
                continue;
            }
            Files.writeString(json.resolveSibling(json.getFileName() + ".sig"),
                    signature(pair, descriptor, Files.readAllBytes(model)));
            System.out.println("Signed model descriptor " + dir.relativize(json) + " with key "
                    + keyId(pair.getPublic()));
        }
    }

    /** Copies a model bundle jar, adding (or replacing) the signature of the descriptor its header names. */
    static void signJar(KeyPair pair, Path in, Path out) throws IOException, GeneralSecurityException {
        try (JarFile jar = new JarFile(in.toFile())) {
            String path = jar.getManifest() == null ? null
                    : jar.getManifest().getMainAttributes().getValue("EdgeAI-Model");
            if (path == null) {
                throw new IllegalArgumentException(in + " is not a model bundle (no EdgeAI-Model header)");
            }
            byte[] descriptor = read(jar, path.trim());
            String file = modelFile(new String(descriptor, StandardCharsets.UTF_8));
            if (file == null) {
                throw new IllegalArgumentException("descriptor " + path + " names no model file and sha256");
            }
            int slash = path.trim().lastIndexOf('/');
            byte[] model = read(jar, path.trim().substring(0, slash + 1) + file);
            String sigName = path.trim() + ".sig";
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (JarOutputStream o = new JarOutputStream(bytes, jar.getManifest())) {
                for (JarEntry e : java.util.Collections.list(jar.entries())) {
                    if (e.getName().equals("META-INF/MANIFEST.MF") || e.getName().equals(sigName)) {
                        continue;
                    }
                    o.putNextEntry(new JarEntry(e.getName()));
                    try (InputStream is = jar.getInputStream(e)) {
                        is.transferTo(o);
                    }
                    o.closeEntry();
                }
                o.putNextEntry(new JarEntry(sigName));
                o.write(signature(pair, descriptor, model).getBytes(StandardCharsets.UTF_8));
                o.closeEntry();
            }
            Files.write(out, bytes.toByteArray());
            System.out.println("Signed " + in + " -> " + out + " with key " + keyId(pair.getPublic()));
        }
    }

    private static byte[] read(JarFile jar, String name) throws IOException {
        JarEntry e = jar.getJarEntry(name);
        if (e == null) {
            throw new IllegalArgumentException("bundle has no " + name);
        }
        try (InputStream is = jar.getInputStream(e)) {
            return is.readAllBytes();
        }
    }
}
