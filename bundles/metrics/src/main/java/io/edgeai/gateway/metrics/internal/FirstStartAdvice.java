package io.edgeai.gateway.metrics.internal;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The distribution ships without console users, so SSH, JMX and {@code bin/client} refuse every login until
 * the operator adds one. Says so once at start, with what to do, instead of leaving the operator to find
 * out from a refused login.
 */
@Component(
        immediate = true,
        service = {})
public final class FirstStartAdvice {
    private static final Logger LOG = LoggerFactory.getLogger(FirstStartAdvice.class);

    /** Reads etc/users.properties (a few lines) and logs the advice when it holds no user. */
    @Activate
    public FirstStartAdvice() {
        String etc = System.getProperty("karaf.etc");
        if (etc == null) {
            return;
        }
        List<String> users = users(Path.of(etc, "users.properties"));
        if (users.isEmpty()) {
            LOG.info("No console users are configured (etc/users.properties): SSH ("
                    + sshAddress(Path.of(etc, "org.apache.karaf.shell.cfg")) + "), JMX and "
                    + "bin/client accept no login; the local console (bin/karaf) works. To add an administrator, "
                    + "add to etc/users.properties the lines 'NAME = YOUR-PASSWORD,_g_:admingroup' and "
                    + "'_g_\\:admingroup = group,admin,manager,viewer,systembundles,ssh' (the password is stored "
                    + "hashed on first use), or an SSH key in etc/keys.properties. See the README, 'Security'.");
        }
    }

    /**
     * @param shellCfg Karaf's etc/org.apache.karaf.shell.cfg
     * @return its {@code sshHost:sshPort}, with Karaf's defaults for what it does not set
     */
    static String sshAddress(Path shellCfg) {
        Properties props = new Properties();
        if (Files.isReadable(shellCfg)) {
            try (Reader in = Files.newBufferedReader(shellCfg)) {
                props.load(in);
            } catch (IOException | IllegalArgumentException e) {
                LOG.debug("Cannot read {}: {}", shellCfg, e.getMessage());
            }
        }
        return props.getProperty("sshHost", "0.0.0.0").trim() + ":"
                + props.getProperty("sshPort", "8101").trim();
    }

    /**
     * @param file users.properties
     * @return user lines (not comments, not groups {@code _g_:...}); empty when the file is missing
     */
    static List<String> users(Path file) {
        if (!Files.isReadable(file)) {
            return List.of();
        }
        try (Stream<String> lines = Files.lines(file)) {
            return lines.map(String::trim)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#") && !l.startsWith("_g_"))
                    .map(l -> l.split("=", 2)[0].trim())
                    .collect(Collectors.toList());
        } catch (IOException e) {
            LOG.debug("Cannot read {}: {}", file, e.getMessage());
            return List.of();
        }
    }
}
