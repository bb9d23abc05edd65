package io.edgeai.gateway.metrics.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FirstStartAdviceTest {

    @Test
    void onlyUserLinesCountNotCommentsOrGroups(@TempDir Path dir) throws Exception {
        Path shipped = Files.writeString(
                dir.resolve("users.properties"),
                String.join(
                        "\n",
                        "#karaf = karaf,_g_:admingroup",
                        "#_g_\\:admingroup = group,admin",
                        "",
                        "   # indented comment",
                        ""));
        assertEquals(List.of(), FirstStartAdvice.users(shipped));
        Path edited = Files.writeString(
                dir.resolve("users2.properties"),
                String.join(
                        "\n",
                        "admin = {CRYPT}0123abcd{CRYPT},_g_:admingroup",
                        "_g_\\:admingroup = group,admin,ssh",
                        ""));
        assertEquals(List.of("admin"), FirstStartAdvice.users(edited));
        assertEquals(List.of(), FirstStartAdvice.users(dir.resolve("missing")));
    }

    @Test
    void theAdviceNamesTheConfiguredSshAddress(@TempDir Path dir) throws Exception {
        Path shell = Files.writeString(
                dir.resolve("org.apache.karaf.shell.cfg"),
                String.join(
                        "\n",
                        "# Via sshPort and sshHost you define the address you can login into Karaf.",
                        "sshPort = 18101",
                        "sshHost = 127.0.0.1",
                        ""));
        assertEquals("127.0.0.1:18101", FirstStartAdvice.sshAddress(shell));
        assertEquals("0.0.0.0:8101", FirstStartAdvice.sshAddress(dir.resolve("missing")));
    }
}
