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
 * <li>a bundle imports no other bundle's {@code internal} package (bundles talk through exported API);</li>
 * <li>an embedded library (a module under bundles/ whose pom.xml sets
 * {@code <edgeai.library>embedded</edgeai.library>}, such as bundles/intake) is a plain jar, never deployed: its
 * packages are not exported (no {@code @Export}), and a bundle that uses one embeds it privately, naming the package
 * in its bnd instructions ({@code Private-Package}, {@code -includepackage} or {@code -conditionalpackage}) so
 * it gets its own copy and imports nothing for it.</li>
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
        List<Path> modules;
        try (Stream<Path> bundles = Files.list(root.resolve("bundles"))) {
            modules = bundles.sorted().toList();
        }
        TreeSet<String> libraries = new TreeSet<>();
        for (Path bundle : modules) {
            Path src = bundle.resolve("src/main/java/io/edgeai/gateway");
            if (isLibrary(bundle) && Files.isDirectory(src)) {
                try (Stream<Path> own = Files.list(src)) {
                    own.filter(Files::isDirectory).forEach(top -> libraries.add(top.getFileName().toString()));
                }
            }
        }
        for (Path bundle : modules) {
            Path src = bundle.resolve("src/main/java/io/edgeai/gateway");
            if (!Files.isDirectory(src)) {
                continue;
            }
            boolean library = isLibrary(bundle);
            String pom = Files.exists(bundle.resolve("pom.xml")) ? Files.readString(bundle.resolve("pom.xml")) : "";
            try (Stream<Path> own = Files.list(src)) {
                for (Path top : own.filter(Files::isDirectory).toList()) {
                    packages += check(root, top, top.getFileName().toString(), library, breaches);
                    for (String lib : libraries) {
                        if (!library && uses(top, "io.edgeai.gateway." + lib + ".")
                                && !pom.contains("io.edgeai.gateway." + lib)) {
                            breaches.add(root.relativize(bundle) + ": uses the embedded library io.edgeai.gateway."
                                    + lib + " but does not embed it (name it in Private-Package in its bnd instructions)");
                        }
                    }
                }
            }
        }
        if (!breaches.isEmpty()) {
            breaches.forEach(b -> System.err.println("[package rules] " + b));
            System.err.println("[package rules] " + breaches.size() + " breach(es); see STYLE.md, Bundles and packages");
            System.exit(1);
        }
        System.out.println("[package rules] " + packages + " packages: exported ones versioned, no foreign internal imports, "
                + "embedded libraries " + libraries + " embedded and not exported");
    }

    /** Whether the module is an embedded library (a plain jar whose package bundles embed privately). */
    private static boolean isLibrary(Path module) throws IOException {
        Path pom = module.resolve("pom.xml");
        return Files.exists(pom) && Files.readString(pom).contains("<edgeai.library>embedded</edgeai.library>");
    }

    /** Whether a source file under {@code dir} names something in {@code prefix}. */
    private static boolean uses(Path dir, String prefix) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                if (Files.readString(f, StandardCharsets.UTF_8).contains(prefix)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Checks every package under {@code dir}, owned by the bundle whose root package is {@code owner}. */
    private static int check(Path root, Path dir, String owner, boolean library, List<String> breaches)
            throws IOException {
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
            if (library) {
                if (text.contains("@org.osgi.annotation.bundle.Export") || text.contains("@Export")) {
                    breaches.add(root.relativize(p) + ": an embedded library's package is never exported (no @Export)");
                }
                continue;
            }
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
