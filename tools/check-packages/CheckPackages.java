import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The build's package rules for the bundles (STYLE.md, Bundles and packages), run by the root pom before
 * anything compiles:
 * <ul>
 * <li>a package outside {@code ...internal} is exported API: its package-info.java carries {@code @Export}
 * and a {@code @Version};</li>
 * <li>a bundle imports no other bundle's {@code internal} package (bundles talk through exported API).</li>
 * </ul>
 * Usage: {@code java tools/check-packages/CheckPackages.java <repository root>}; exits 1 naming each breach.
 */
public final class CheckPackages {
    private static final Pattern FQN = Pattern.compile("\\bio\\.edgeai\\.gateway\\.([a-z0-9_]+)\\.internal\\.");

    private CheckPackages() {
    }

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : ".");
        List<String> breaches = new ArrayList<>();
        int packages = 0;
        try (Stream<Path> bundles = Files.list(root.resolve("bundles"))) {
            for (Path bundle : bundles.sorted().toList()) {
                Path src = bundle.resolve("src/main/java/io/edgeai/gateway");
                if (!Files.isDirectory(src)) {
                    continue;
                }
                try (Stream<Path> own = Files.list(src)) {
                    for (Path top : own.filter(Files::isDirectory).toList()) {
                        packages += check(root, top, top.getFileName().toString(), breaches);
                    }
                }
            }
        }
        if (!breaches.isEmpty()) {
            breaches.forEach(b -> System.err.println("[package rules] " + b));
            System.err.println("[package rules] " + breaches.size() + " breach(es); see STYLE.md, Bundles and packages");
            System.exit(1);
        }
        System.out.println("[package rules] " + packages + " packages: exported ones versioned, no foreign internal imports");
    }

    /** Checks every package under {@code dir}, owned by the bundle whose root package is {@code owner}. */
    private static int check(Path root, Path dir, String owner, List<String> breaches) throws IOException {
        TreeSet<Path> packages = new TreeSet<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                packages.add(f.getParent());
                String text = Files.readString(f, StandardCharsets.UTF_8);
                TreeSet<String> foreign = new TreeSet<>();
                Matcher m = FQN.matcher(text);
                while (m.find()) {
                    if (!m.group(1).equals(owner)) {
                        foreign.add(m.group(1));
                    }
                }
                for (String other : foreign) {
                    breaches.add(root.relativize(f) + ": uses io.edgeai.gateway." + other
                            + ".internal, another bundle's internals");
                }
            }
        }
        for (Path p : packages) {
            boolean internal = root.relativize(p).toString().replace('\\', '/').matches(".*/internal(/.*)?");
            if (internal) {
                continue;
            }
            Path info = p.resolve("package-info.java");
            String text = Files.exists(info) ? Files.readString(info, StandardCharsets.UTF_8) : "";
            if (!text.contains("@org.osgi.annotation.bundle.Export") && !text.contains("@Export")) {
                breaches.add(root.relativize(p) + ": not under internal, so exported API, but its package-info.java "
                        + "has no @Export");
            }
            if (!text.contains("@org.osgi.annotation.versioning.Version(") && !text.contains("@Version(")) {
                breaches.add(root.relativize(p) + ": exported without a @Version in package-info.java");
            }
        }
        return packages.size();
    }
}
