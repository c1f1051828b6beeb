package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.runtime.DistributionProcess.Result;
import org.openpista.testkit.FakeOpenAiServer;
import org.openpista.testkit.FakeReply;

/**
 * The release archive ({@code -Prelease}) on a machine without Java: unpacked into an empty folder
 * and run with a {@code PATH} that holds no {@code java} and no {@code JAVA_HOME}, so only the Java
 * runtime the archive brings can run it: the version, a turn against the fake LLM, the daemon with a
 * plugin installed while it runs, and install.sh in and out of a home folder of its own. Prints the
 * archive's size and the start times with the bundled runtime.
 */
class ReleaseArchiveIT {

    @TempDir
    Path work;

    Path unpacked;
    Path home;
    Path userHome;
    Path path;
    FakeOpenAiServer fake;
    final List<String> figures = new ArrayList<>();

    @BeforeEach
    void unpackWithoutJava() throws Exception {
        Path archive = Path.of(System.getProperty("openpista.release.archive", "target/no-release-archive"));
        assertThat(archive).as("the release archive; build it with ./mvnw -Prelease package").isRegularFile();
        figures.add("archive %.1f MB".formatted(Files.size(archive) / 1e6));
        unpacked = Files.createDirectories(work.resolve("empty"));
        assertThat(new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", unpacked.toString())
                .inheritIO().start().waitFor()).isZero();
        try (Stream<Path> top = Files.list(unpacked)) {
            unpacked = top.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        assertThat(unpacked.getFileName().toString()).startsWith("openpista-");
        for (String file : List.of("bin/openpista", "runtime/bin/java", "install.sh", "LICENSE", "CHANGELOG.md",
                "README.md", "config.example.toml", "bridge-whatsapp/package-lock.json", "bundles/web",
                "skills")) {
            assertThat(unpacked.resolve(file)).as(file).exists();
        }
        // a PATH of the system's commands without any Java: links to every command but the JDK's
        path = Files.createDirectories(work.resolve("path"));
        for (String folder : List.of("/usr/bin", "/bin")) {
            try (Stream<Path> commands = Files.list(Path.of(folder))) {
                for (Path command : commands.toList()) {
                    String name = command.getFileName().toString();
                    boolean jdk = Files.isSymbolicLink(command) && realPath(command).contains("/jvm/");
                    if (!jdk && !name.startsWith("java") && Files.notExists(path.resolve(name))) {
                        Files.createSymbolicLink(path.resolve(name), command);
                    }
                }
            }
        }
        home = Files.createDirectories(work.resolve("home"));
        userHome = Files.createDirectories(work.resolve("user"));
        Result which = exec(List.of("bash", "-c", "command -v java || echo none"));
        assertThat(which.stdout().strip()).as("java on the test's PATH").isEqualTo("none");
    }

    @AfterEach
    void stop() throws Exception {
        DistributionProcess.stopDaemon(home);
        if (fake != null) {
            fake.close();
        }
        System.out.println("release archive: " + String.join("; ", figures));
    }

    @Test
    void runsWithItsOwnJavaRuntime() throws Exception {
        Result version = timed("--version", "--version");
        assertThat(version.exitCode()).as(version.toString()).isZero();
        String release = Files.readString(unpacked.resolve("runtime/release"));
        String javaVersion = release.replaceAll("(?s).*JAVA_VERSION=\"([^\"]*)\".*", "$1");
        assertThat(version.stdout()).contains("openpista ").contains("Java " + javaVersion);

        fake = new FakeOpenAiServer();
        ShellTurn.writeConfig(home, fake);
        ShellTurn.script(fake, FakeReply.text("Again."));
        Result first = timed("run -e (first, records the class-data archive)", "run", "-e", ShellTurn.PROMPT);
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.stdout()).isEqualTo(ShellTurn.ANSWER);
        assertThat(fake.requests().get(1).body()).contains("from-the-shell-42");
        try (Stream<Path> lib = Files.list(unpacked.resolve("lib"))) {
            assertThat(lib.map(file -> file.getFileName().toString())).as("class-data archive of the bundled Java")
                    .contains("openpista-java" + javaVersion.replaceAll("\\..*", "") + ".jsa");
        }
        Result second = timed("run -e", "run", "-e", "again");
        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(second.stdout()).isEqualTo("Again.\n");

        Result started = timed("start (until ready)", "start");
        assertThat(started.exitCode()).as(started.toString()).isZero();
        Path plugin = Path.of(System.getProperty("openpista.hello.plugin", "../plugins/hello-tool/target/hello-tool.jar"));
        Result installed = openpista("plugins", "install", plugin.toString());
        assertThat(installed.exitCode()).as(installed.toString()).isZero();
        assertThat(installed.stdout()).contains("hello-tool").contains("active");
        assertThat(openpista("shell", "-c", "openpista:tools").stdout()).contains("hello.greet");
        Result stopped = openpista("stop");
        assertThat(stopped.exitCode()).as(stopped.toString()).isZero();
        assertThat(home.resolve("openpista.pid")).doesNotExist();

        // the daemon (not the 'start' that started it) recorded an archive of its own at exit, which the next
        // start takes once that daemon is gone
        long pid = Long.parseLong(started.stdout().replaceAll("(?s).*\\(PID (\\d+),.*", "$1"));
        ProcessHandle.of(pid).ifPresent(daemon -> daemon.onExit().join());
        String daemonArchive = "openpista-daemon-java" + javaVersion.replaceAll("\\..*", "") + ".jsa";
        try (Stream<Path> lib = Files.list(unpacked.resolve("lib"))) {
            assertThat(lib.map(file -> file.getFileName().toString()).filter(name -> name.startsWith("openpista-daemon")))
                    .containsExactly(daemonArchive + "." + pid);
        }
        Result again = timed("start (until ready, the daemon's archive)", "start");
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(unpacked.resolve("lib").resolve(daemonArchive)).isNotEmptyFile();
        assertThat(openpista("stop").exitCode()).isZero();
    }

    @Test
    void installShInstallsLinksAndUninstalls() throws Exception {
        Path installed = userHome.resolve(".local/share/openpista");
        Path link = userHome.resolve(".local/bin/openpista");
        Result install = exec(List.of(unpacked.resolve("install.sh").toString()));
        assertThat(install.exitCode()).as(install.toString()).isZero();
        assertThat(install.stdout()).contains("installed openpista").contains(".local/bin is not on your PATH");
        assertThat(link).isSymbolicLink();
        assertThat(Files.readSymbolicLink(link)).isEqualTo(installed.resolve("bin/openpista"));
        Result version = exec(List.of(link.toString(), "--version"));
        assertThat(version.exitCode()).as(version.toString()).isZero();
        assertThat(version.stdout()).contains("openpista ");

        // again (an upgrade): the folder is replaced as a whole; the old one is kept beside it for
        // 'openpista rollback', and only that one
        Files.writeString(installed.resolve("lib/left-over.txt"), "old");
        Result again = exec(List.of(unpacked.resolve("install.sh").toString()));
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.stdout()).contains("the previous version stays in " + installed + ".previous");
        assertThat(installed.resolve("lib/left-over.txt")).doesNotExist();
        Path previous = installed.resolveSibling("openpista.previous");
        assertThat(previous.resolve("lib/left-over.txt")).hasContent("old");
        try (Stream<Path> siblings = Files.list(installed.getParent())) {
            assertThat(siblings).as("no half-installed folders beside it").containsExactlyInAnyOrder(installed, previous);
        }

        // openpista rollback swaps the installation with the previous one, and a second one swaps back
        Path rollbackHome = Files.createTempDirectory(userHome, "home");
        Result rollback = exec(List.of(link.toString(), "--home", rollbackHome.toString(), "rollback"));
        assertThat(rollback.exitCode()).as(rollback.toString()).isZero();
        assertThat(rollback.stdout()).contains("rolled back the installation")
                .contains("distribution: " + installed + " holds the previous installation again");
        assertThat(installed.resolve("lib/left-over.txt")).hasContent("old");
        assertThat(previous.resolve("lib/left-over.txt")).doesNotExist();
        Result back = exec(List.of(link.toString(), "--home", rollbackHome.toString(), "rollback"));
        assertThat(back.exitCode()).as(back.toString()).isZero();
        assertThat(installed.resolve("lib/left-over.txt")).doesNotExist();
        assertThat(previous.resolve("lib/left-over.txt")).hasContent("old");

        List<Path> jars;
        try (Stream<Path> files = Files.walk(installed.resolve("bundles"))) {
            jars = files.filter(file -> file.toString().endsWith(".jar")).toList();
        }
        // as a daemon of the installation does, with HOME=userHome (exec)
        PinnedJars.pin(userHome.resolve(".cache/openpista/jars"), jars).close();
        assertThat(pinnedSets()).hasSize(1);
        Result uninstall = exec(List.of(installed.resolve("install.sh").toString(), "--uninstall"));
        assertThat(uninstall.exitCode()).as(uninstall.toString()).isZero();
        assertThat(installed).doesNotExist();
        assertThat(previous).doesNotExist();
        assertThat(link).doesNotExist();
        assertThat(pinnedSets()).as("the links by which a daemon of the installation pinned its jars").isEmpty();
        Result twice = exec(List.of(unpacked.resolve("install.sh").toString(), "--uninstall"));
        assertThat(twice.exitCode()).isEqualTo(1);
        assertThat(twice.stderr()).contains("not installed");
    }

    private Result timed(String what, String... args) throws Exception {
        long start = System.nanoTime();
        Result result = openpista(args);
        figures.add("%s %d ms".formatted(what, (System.nanoTime() - start) / 1_000_000));
        return result;
    }

    private Result openpista(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(unpacked.resolve("bin/openpista").toString()));
        command.addAll(List.of(args));
        return exec(command);
    }

    private List<Path> pinnedSets() throws IOException {
        try (Stream<Path> sets = Files.list(userHome.resolve(".cache/openpista/jars"))) {
            return sets.filter(Files::isDirectory).toList();
        }
    }

    /** Runs a command with the Java-free PATH, no JAVA_HOME, HOME and OPENPISTA_HOME of the test's own. */
    private Result exec(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        DistributionProcess.clean(env);
        env.remove("JAVA_HOME");
        env.remove("JAVA_TOOL_OPTIONS");
        env.remove("JDK_JAVA_OPTIONS");
        env.remove("XDG_CACHE_HOME");
        env.put("PATH", path.toString());
        env.put("HOME", userHome.toString());
        env.put("OPENPISTA_HOME", home.toString());
        builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process process = builder.start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within 120 s");
        }
        return new Result(process.exitValue(), out.join(), err.join());
    }

    private static String realPath(Path link) {
        try {
            return link.toRealPath().toString();
        } catch (IOException e) {
            return link.toString(); // a dangling link
        }
    }

    private static String read(java.io.InputStream stream) {
        try (stream) {
            return new String(stream.readAllBytes());
        } catch (IOException e) {
            return "<unreadable: " + e + ">";
        }
    }
}
