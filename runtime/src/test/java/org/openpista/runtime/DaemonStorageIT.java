package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.runtime.DistributionProcess.Result;

/**
 * A daemon keeps its Felix storage, where the jars of its plugins are copied, in the home ({@code
 * cache/felix-PID-NNN}, the owner's alone) rather than in the temporary folder: a cleaner that ages
 * files out of the temporary folder (systemd-tmpfiles) takes nothing a long-idle daemon still reads.
 * The daemon keeps only a few jars open ({@code felix.cache.filelimit}), so a plugin's class that
 * it loads for the first time after the cleaner ran is read from the storage again by path.
 */
class DaemonStorageIT {

    // in the system's temporary folder: a Unix socket path must stay under 108 bytes
    @TempDir
    Path dir;

    Path home;
    Path tmp;
    Map<String, String> env;

    @BeforeEach
    void setUp() throws Exception {
        home = Files.createDirectories(dir.resolve("home"));
        tmp = Files.createDirectories(dir.resolve("tmp"));
        // the daemon's temporary folder is this test's (the started child inherits the variable)
        env = Map.of("JAVA_TOOL_OPTIONS", "-Djava.io.tmpdir=" + tmp, "TMPDIR", tmp.toString());
        Files.createDirectories(home.resolve("plugins"));
        Files.copy(lateProvider(), home.resolve("plugins/late-provider.jar"));
        Files.writeString(home.resolve("config.toml"), """
                [agent]
                provider = "late"
                approval = "auto"

                [channels.web]
                enabled = false
                """);
    }

    @AfterEach
    void tearDown() throws Exception {
        DistributionProcess.stopDaemon(home);
    }

    @Test
    void aDaemonKeepsItsStorageInTheHomeSoACleanerOfTheTemporaryFolderTakesNoPluginFromIt() throws Exception {
        long pid = start();
        Path storage = storageOf(pid);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(storage))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("cache")))).isEqualTo("rwx------");
        try (Stream<Path> files = Files.walk(storage)) {
            assertThat(files.filter(file -> file.getFileName().toString().equals("bundle.jar")))
                    .as("Felix's copy of the plugin").isNotEmpty();
        }

        // the cleaner: everything in the temporary folder goes
        InstalledBundles.clear(tmp);

        // a one-shot run beside the daemon has a storage of its own, in the temporary folder, gone at its end
        Result local = DistributionProcess.run(home, env, "run", "--local", "-e", "beside");
        assertThat(local.exitCode()).as(local.toString()).isZero();
        assertThat(local.stdout().strip()).isEqualTo("late: beside");
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left.map(Path::getFileName).map(Path::toString)).noneMatch(name -> name.startsWith("openpista-felix-"));
        }

        // the plugin's lazily loaded class is read from its copy in the storage after the cleaner ran
        Result turn = DistributionProcess.run(home, Map.of(), "shell", "-c", "openpista:send idle \"still there?\"");
        assertThat(turn.exitCode()).as(turn.toString()).isZero();
        assertThat(turn.stdout()).isEqualTo("late: still there?\n");

        // killed: its storage stays until the next daemon of the home starts, which deletes it
        ProcessHandle daemon = ProcessHandle.of(pid).orElseThrow();
        daemon.destroyForcibly();
        daemon.onExit().get(30, TimeUnit.SECONDS);
        assertThat(storage).isDirectory();
        Files.deleteIfExists(home.resolve("openpista.pid"));
        long next = start();
        assertThat(storage).as("the killed daemon's storage").doesNotExist();
        Path nextStorage = storageOf(next);

        // stopped: its storage goes with it
        DistributionProcess.stopDaemon(home);
        assertThat(nextStorage).doesNotExist();
        try (Stream<Path> left = Files.list(home.resolve("cache"))) {
            assertThat(left.map(Path::getFileName).map(Path::toString)).noneMatch(name -> name.startsWith("felix-"));
        }
    }

    private long start() throws Exception {
        Result started = DistributionProcess.run(home, env, null, Duration.ofSeconds(90), "start");
        assertThat(started.exitCode()).as(started.toString()).isZero();
        Matcher pid = Pattern.compile("PID (\\d+)").matcher(started.stdout());
        assertThat(pid.find()).as(started.toString()).isTrue();
        return Long.parseLong(pid.group(1));
    }

    /** @return the storage of the daemon of a PID, checked to be its only one, none in the temporary folder */
    private Path storageOf(long pid) throws Exception {
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left.map(Path::getFileName).map(Path::toString)).noneMatch(name -> name.startsWith("openpista-felix-"));
        }
        List<Path> storages;
        try (Stream<Path> cache = Files.list(home.resolve("cache"))) {
            storages = cache.filter(path -> path.getFileName().toString().startsWith("felix-")).toList();
        }
        assertThat(storages).hasSize(1);
        assertThat(storages.get(0).getFileName().toString()).startsWith("felix-" + pid + "-");
        return storages.get(0);
    }

    /**
     * A provider answering "late: " and the last user message through a class it loads at its first
     * answer, not when it starts.
     */
    private Path lateProvider() throws Exception {
        return new ProviderPlugin("com.example.late", "late", "com.example.late.LateProvider", "answers late")
                .pack(dir.resolve("late-provider"), Map.of("com/example/late/LateProvider.java", """
                package com.example.late;

                import org.openpista.api.chat.ChatMessage;
                import org.openpista.api.chat.Role;
                import org.openpista.api.llm.ChatRequest;
                import org.openpista.api.llm.ChatResponse;
                import org.openpista.api.llm.LlmProvider;
                import org.openpista.api.llm.StreamListener;

                public class LateProvider implements LlmProvider {
                    public String name() {
                        return "late";
                    }

                    public String defaultModel() {
                        return "late-1";
                    }

                    public ChatResponse chat(ChatRequest request, StreamListener listener) {
                        String last = "";
                        for (ChatMessage message : request.messages()) {
                            if (message.role() == Role.USER) {
                                last = message.content();
                            }
                        }
                        return Answer.to(last);
                    }
                }
                """, "com/example/late/Answer.java", """
                package com.example.late;

                import java.util.List;
                import org.openpista.api.llm.ChatResponse;

                final class Answer {
                    static ChatResponse to(String prompt) {
                        return new ChatResponse("late: " + prompt, List.of(), null, "stop", "late-1", null);
                    }
                }
                """));
    }
}
