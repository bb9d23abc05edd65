package io.edgeai.gateway.osgi;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/**
 * A Felix framework with SCR, Config Admin, Metatype and the gateway's bundles. The API packages come
 * from the test class path (exported by the system bundle) so the test can use the services directly.
 */
final class OsgiFramework implements AutoCloseable {
    private final Framework framework;
    private final Path storage;

    OsgiFramework() throws IOException, BundleException {
        storage = Files.createTempDirectory("edgeai-osgi");
        Map<String, String> config = new HashMap<>();
        config.put(Constants.FRAMEWORK_STORAGE, storage.toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        config.put(
                Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA,
                String.join(
                        ",",
                        "io.edgeai.gateway.api;version=" + exportedVersion("edgeai-api", "io.edgeai.gateway.api"),
                        "io.edgeai.gateway.tokenize;version=1.0.0",
                        "org.osgi.service.cm;version=1.6.0",
                        "org.osgi.service.metatype;version=1.4.0"));
        config.put(Constants.FRAMEWORK_BOOTDELEGATION, "sun.*,com.sun.*");
        config.put("java.io.tmpdir", storage.resolve("tmp").toString());
        config.put("org.slf4j.simpleLogger.defaultLogLevel", "info");
        FrameworkFactory factory =
                ServiceLoader.load(FrameworkFactory.class).iterator().next();
        framework = factory.newFramework(config);
        framework.start();
        BundleContext ctx = framework.getBundleContext();
        File[] jars = new File(System.getProperty("edgeai.bundles")).listFiles((d, n) -> n.endsWith(".jar"));
        Arrays.sort(jars);
        List<Bundle> installed = new ArrayList<>();
        for (File jar : jars) {
            installed.add(ctx.installBundle(jar.toURI().toString()));
        }
        for (Bundle b : installed) {
            if (b.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                b.start();
            }
        }
    }

    BundleContext context() {
        return framework.getBundleContext();
    }

    Bundle bundle(String symbolicName) {
        return Arrays.stream(context().getBundles())
                .filter(b -> symbolicName.equals(b.getSymbolicName()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no bundle " + symbolicName));
    }

    @Override
    public void close() throws BundleException, IOException {
        framework.stop();
        try {
            framework.waitForStop(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (java.util.stream.Stream<Path> files = Files.walk(storage)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(f -> f.toFile().delete());
        }
    }

    /**
     * The version a bundle on the test class path exports a package at, from its manifest: the framework
     * exports the api from the class path, and must do so at the version the bundles under test import.
     */
    static String exportedVersion(String symbolicName, String pkg) throws IOException {
        for (var url :
                java.util.Collections.list(OsgiFramework.class.getClassLoader().getResources("META-INF/MANIFEST.MF"))) {
            try (var in = url.openStream()) {
                var attributes = new Manifest(in).getMainAttributes();
                String bsn = attributes.getValue(Constants.BUNDLE_SYMBOLICNAME);
                String exports = attributes.getValue(Constants.EXPORT_PACKAGE);
                if (bsn != null && bsn.split(";")[0].trim().equals(symbolicName) && exports != null) {
                    Matcher m = Pattern.compile(Pattern.quote(pkg) + ";version=\"([^\"]+)\"")
                            .matcher(exports);
                    if (m.find()) {
                        return m.group(1);
                    }
                }
            }
        }
        throw new IllegalStateException(symbolicName + " exporting " + pkg + " is not on the test class path");
    }
}
