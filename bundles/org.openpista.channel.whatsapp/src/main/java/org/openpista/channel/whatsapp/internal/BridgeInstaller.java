package org.openpista.channel.whatsapp.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs the bundled bridge's Node.js dependencies on first use: the distribution ships the
 * bridge's sources with its {@code package-lock.json}, and {@code npm ci} fetches exactly those
 * versions into the distribution's own {@code bridge-whatsapp} folder the first time the bridge
 * runs (and again whenever the lock file changed). A bridge of the user's own ({@code bridge_path})
 * is the user's to prepare: nothing is installed or changed in its folder; when its {@code
 * package.json} declares dependencies that are not there, the bridge is not started and the reason
 * says what to run.
 */
class BridgeInstaller {

    /** The bridge cannot run until something is fixed. */
    static final class InstallFailure extends Exception {
        private static final long serialVersionUID = 1L;

        InstallFailure(String message) {
            super(message);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(BridgeInstaller.class);
    /** Records which lock file the installed node_modules belong to. */
    static final String STAMP = ".openpista-lock.sha256";
    /** A module only a complete install has. */
    private static final String MARKER = "@whiskeysockets/baileys/package.json";
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path bridge;
    private final List<String> npm;
    private final boolean shipped;

    /**
     * An installer for the bridge shipped with openpista.
     *
     * @param bridge the bridge program
     * @param npm the npm command, normally {@code npm}
     */
    BridgeInstaller(Path bridge, List<String> npm) {
        this(bridge, npm, true);
    }

    private BridgeInstaller(Path bridge, List<String> npm, boolean shipped) {
        this.bridge = bridge;
        this.npm = List.copyOf(npm);
        this.shipped = shipped;
    }

    /**
     * @param bridge the bridge program
     * @param shipped whether it is the bridge shipped with openpista, whose dependencies are installed
     *     here; any other is only checked
     */
    static BridgeInstaller forBridge(Path bridge, boolean shipped) {
        return new BridgeInstaller(bridge, shipped ? List.of("npm") : List.of(), shipped);
    }

    /** An installer for bridges that need none, such as a user's own executable. */
    static BridgeInstaller none() {
        return new BridgeInstaller(null, List.of()) {
            @Override
            void ensureInstalled() {}
        };
    }

    /** @return the folder holding the bridge's package.json, or {@code null} when it has none */
    Path packageDir() {
        if (bridge == null) {
            return null;
        }
        Path dir = Files.isDirectory(bridge) ? bridge : bridge.toAbsolutePath().getParent();
        return dir != null && Files.isRegularFile(dir.resolve("package.json")) ? dir : null;
    }

    /**
     * Runs {@code npm ci} when the shipped bridge's dependencies are missing or belong to another lock
     * file; checks that a bridge of the user's own has its {@code node_modules}.
     */
    void ensureInstalled() throws InstallFailure {
        if (!shipped) {
            checkPrepared();
            return;
        }
        Path dir = packageDir();
        if (dir == null || !Files.isRegularFile(dir.resolve("package-lock.json"))) {
            return;
        }
        String lockHash = hash(dir.resolve("package-lock.json"));
        Path modules = dir.resolve("node_modules");
        Path stamp = modules.resolve(STAMP);
        boolean complete = Files.isRegularFile(modules.resolve(MARKER));
        String installedFor = readQuietly(stamp);
        if (complete && (installedFor == null || installedFor.equals(lockHash))) {
            return;
        }
        if (!Files.isWritable(dir)) {
            throw new InstallFailure("the WhatsApp bridge's dependencies are not installed and " + dir
                    + " is not writable; run \"npm ci --omit=dev\" there");
        }
        LOG.info("Installing the WhatsApp bridge's dependencies in {} (npm ci, first use)", dir);
        List<String> commandLine = new ArrayList<>(npm);
        commandLine.addAll(List.of("ci", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund"));
        Path output;
        try {
            output = Files.createTempFile("openpista-npm-", ".log");
        } catch (IOException e) {
            throw new InstallFailure("cannot install the WhatsApp bridge's dependencies: " + e.getMessage());
        }
        try {
            Process process;
            try {
                process = new ProcessBuilder(commandLine).directory(dir.toFile()).redirectErrorStream(true)
                        .redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                        .start();
            } catch (IOException e) {
                throw new InstallFailure(noNode(npm.isEmpty() ? "npm" : npm.get(0), e));
            }
            boolean done = process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new InstallFailure("installing the WhatsApp bridge's dependencies (npm ci in " + dir
                        + ") did not finish within " + TIMEOUT.toMinutes() + " minutes");
            }
            if (process.exitValue() != 0) {
                throw new InstallFailure("installing the WhatsApp bridge's dependencies failed (npm ci in " + dir
                        + ", status " + process.exitValue() + "): " + lastLine(output));
            }
            Files.createDirectories(modules);
            Files.writeString(stamp, lockHash, StandardCharsets.UTF_8);
            LOG.info("Installed the WhatsApp bridge's dependencies");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InstallFailure("interrupted while installing the WhatsApp bridge's dependencies");
        } catch (IOException e) {
            throw new InstallFailure("cannot install the WhatsApp bridge's dependencies: " + e.getMessage());
        } finally {
            try {
                Files.deleteIfExists(output);
            } catch (IOException e) {
                LOG.debug("Cannot delete {}", output, e);
            }
        }
    }

    /** A bridge of the user's own runs as it is, unless its declared dependencies are plainly missing. */
    private void checkPrepared() throws InstallFailure {
        Path dir = packageDir();
        if (dir == null || Files.isDirectory(dir.resolve("node_modules")) || !declaresDependencies(dir.resolve("package.json"))) {
            return;
        }
        throw new InstallFailure("the WhatsApp bridge " + bridge + " has no node_modules in " + dir + ": a bridge of "
                + "your own (bridge_path) is yours to prepare, so run \"npm ci\" (or \"npm install\") there; openpista "
                + "installs dependencies only for the bridge it ships (leave bridge_path empty to use that one)");
    }

    private static boolean declaresDependencies(Path packageJson) {
        try {
            JsonNode dependencies = JSON.readTree(packageJson.toFile()).path("dependencies");
            return dependencies.isObject() && dependencies.size() > 0;
        } catch (IOException e) {
            return false; // node says what is wrong with it
        }
    }

    /** The one-line message for a program that cannot be started. */
    static String noNode(String program, IOException e) {
        return "cannot run " + program + " (" + e.getMessage() + "): the WhatsApp bridge needs Node.js 20 or newer "
                + "and npm on the PATH (Debian/Ubuntu: apt-get install nodejs npm)";
    }

    private static String hash(Path file) throws InstallFailure {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new InstallFailure("cannot read " + file + ": " + e.getMessage());
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8).strip() : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String lastLine(Path output) {
        try {
            List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
            // npm ends with where its log is; the first error line says what went wrong
            for (String line : lines) {
                String lower = line.toLowerCase(java.util.Locale.ROOT);
                if ((lower.startsWith("npm error") || lower.startsWith("npm err!")) && !lower.contains("complete log")) {
                    return line.strip();
                }
            }
            for (int i = lines.size() - 1; i >= 0; i--) {
                String line = lines.get(i).strip();
                if (!line.isEmpty()) {
                    return line;
                }
            }
        } catch (IOException e) {
            LOG.debug("Cannot read the npm output", e);
        }
        return "no output";
    }
}
