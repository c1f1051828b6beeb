package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A program on a real terminal: a detached tmux session of its own (own server socket, no user
 * configuration), typed into with {@code send-keys} and read with {@code capture-pane}. The
 * command runs in a shell that prints {@code EXIT <status>} when it ends, so the test sees both
 * the exit status and what the terminal shows afterwards.
 */
final class TmuxPane implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(60);

    private final String socket;
    private final Path home;

    private TmuxPane(String socket, Path home) {
        this.socket = socket;
        this.home = home;
    }

    /** Skips the test without tmux, unless every integration test is required (CI). */
    static void assumeTmux() {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/tmux")) || "all".equals(System.getenv("OPENPISTA_IT_REQUIRE")),
                "tmux is needed to drive the terminal UI");
    }

    /**
     * Starts {@code shellCommand} in a terminal of the given size, with {@code OPENPISTA_HOME=home},
     * a UTF-8 locale and the extra environment given.
     */
    static TmuxPane start(Path home, int columns, int rows, Map<String, String> env, String shellCommand) throws Exception {
        TmuxPane pane = new TmuxPane("openpista-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime(), home);
        List<String> arguments = new ArrayList<>(List.of("new-session", "-d", "-x", Integer.toString(columns), "-y",
                Integer.toString(rows), "-s", "it"));
        for (Map.Entry<String, String> variable : env.entrySet()) {
            arguments.add("-e");
            arguments.add(variable.getKey() + "=" + variable.getValue());
        }
        arguments.add(shellCommand + "; echo EXIT $?; sleep 600");
        pane.tmux(arguments.toArray(String[]::new));
        return pane;
    }

    private String tmux(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("tmux", "-u", "-L", socket, "-f", "/dev/null"));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        DistributionProcess.clean(builder.environment());
        builder.environment().remove("TMUX");
        builder.environment().put("LANG", "C.UTF-8");
        builder.environment().put("LC_ALL", "C.UTF-8");
        builder.environment().put("OPENPISTA_HOME", home.toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return output;
    }

    /** @return what the terminal shows now, one line per row */
    String screen() throws Exception {
        return tmux("capture-pane", "-p", "-t", "it");
    }

    /** @return the screen with its colours and attributes as escape sequences */
    String screenWithColours() throws Exception {
        return tmux("capture-pane", "-p", "-e", "-t", "it");
    }

    /** @return the screen once it shows the text */
    String await(String text) throws Exception {
        return await(screen -> screen.contains(text), "\"" + text + "\"");
    }

    /** @return the screen once it satisfies the condition */
    String await(Predicate<String> wanted, String what) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String screen = screen();
        while (!wanted.test(screen)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the terminal never showed " + what + ":\n" + screen);
            }
            Thread.sleep(50);
            screen = screen();
        }
        return screen;
    }

    /** Presses keys by tmux's names: {@code Enter}, {@code Escape}, {@code C-c}, {@code Tab}, {@code Down}. */
    void keys(String... keys) throws Exception {
        List<String> arguments = new ArrayList<>(List.of("send-keys", "-t", "it"));
        arguments.addAll(List.of(keys));
        tmux(arguments.toArray(String[]::new));
    }

    /** Types text as it is. */
    void type(String text) throws Exception {
        tmux("send-keys", "-t", "it", "-l", text);
    }

    /** Resizes the terminal, as a user dragging the window does (the program gets SIGWINCH). */
    void resize(int columns, int rows) throws Exception {
        tmux("resize-window", "-t", "it", "-x", Integer.toString(columns), "-y", Integer.toString(rows));
    }

    /** @return the process the pane runs (the shell around the command) */
    ProcessHandle process() throws Exception {
        long pid = Long.parseLong(tmux("display-message", "-p", "-t", "it", "#{pane_pid}").strip());
        return ProcessHandle.of(pid).orElseThrow();
    }

    @Override
    public void close() throws IOException {
        try {
            tmux("kill-server");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
