package org.openpista.tool.browser.internal;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.openpista.tool.browser.internal.cdp.CdpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and starts Chromium for the tools: Debian's {@code /usr/bin/chromium} unless {@code
 * executable} says otherwise, the persistent profile unless another process holds it, and the
 * switches an unattended browser on a server needs.
 */
final class ChromiumLauncher {

    private static final Logger LOG = LoggerFactory.getLogger(ChromiumLauncher.class);

    /** Where Chromium is looked for when {@code executable} is empty, in this order. */
    static final List<String> CANDIDATES = List.of("/usr/bin/chromium", "chromium", "chromium-browser",
            "google-chrome", "google-chrome-stable",
            "/Applications/Chromium.app/Contents/MacOS/Chromium",
            "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome");

    /** What the browser gets of the daemon's environment: never its secrets (API keys, tokens). */
    private static final Set<String> PASSED = Set.of("PATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "TZ",
            "TMPDIR", "DISPLAY", "WAYLAND_DISPLAY", "XAUTHORITY", "DBUS_SESSION_BUS_ADDRESS", "FONTCONFIG_PATH",
            "FONTCONFIG_FILE", "http_proxy", "https_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY",
            "all_proxy", "ALL_PROXY");

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final LaunchSettings settings;
    private final Map<String, String> environment;

    ChromiumLauncher(LaunchSettings settings, Map<String, String> environment) {
        this.settings = settings;
        this.environment = environment;
    }

    /**
     * Starts Chromium and waits until it answers.
     *
     * @throws BrowserException {@code chromium_missing} or {@code start_failed}
     */
    ChromiumProcess launch() {
        Path executable = executable();
        Path profile = settings.profile();
        String holder = profileHolder(profile);
        if (holder != null) {
            LOG.warn("The browser profile {} is in use by {}; this browser gets a temporary profile", profile, holder);
            profile = null;
        }
        ChromiumProcess chromium;
        try {
            chromium = ChromiumProcess.start(executable, arguments(), profile, settings.browserDir(), childEnvironment());
        } catch (IOException e) {
            throw new BrowserException(BrowserException.Kind.START_FAILED, "cannot start " + executable + ": "
                    + e.getMessage());
        }
        try {
            chromium.connection().call(null, "Browser.getVersion", null, START_TIMEOUT);
            return chromium;
        } catch (CdpException e) {
            chromium.waitFor(Duration.ofSeconds(2));
            String ending = chromium.ending().orElse("no answer within " + START_TIMEOUT.toSeconds() + " s");
            String log = chromium.logTail(3);
            chromium.stop(Duration.ZERO);
            throw new BrowserException(BrowserException.Kind.START_FAILED, "Chromium (" + executable + ") did not start: "
                    + ending + (log.isEmpty() ? "" : "; it said: " + log) + " (whole log: "
                    + settings.browserDir().resolve("chromium.log") + ")");
        }
    }

    /** @return how Chromium is started */
    LaunchSettings settings() {
        return settings;
    }

    /** @return the browser's switches (without pipe, profile and start page) */
    List<String> arguments() {
        List<String> args = new ArrayList<>(List.of(
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-default-apps",
                "--disable-breakpad",
                "--disable-domain-reliability",
                "--disable-dev-shm-usage",
                "--disable-features=Translate,MediaRouter,OptimizationHints",
                "--metrics-recording-only",
                "--password-store=basic",
                "--use-mock-keychain",
                "--mute-audio",
                "--hide-scrollbars",
                "--window-size=" + settings.width() + "," + settings.height()));
        if (settings.headless()) {
            args.add("--headless");
        }
        // Chromium refuses to run as root with its sandbox on
        if (runsAsRoot() && !settings.extraArgs().contains("--no-sandbox")) {
            args.add("--no-sandbox");
        }
        args.addAll(settings.extraArgs());
        return args;
    }

    /**
     * @return the executable to start
     * @throws BrowserException {@code chromium_missing} with how to install it
     */
    Path executable() {
        String configured = settings.executable().strip();
        if (!configured.isEmpty()) {
            Path path = find(configured, environment.getOrDefault("PATH", ""));
            if (path == null) {
                throw new BrowserException(BrowserException.Kind.CHROMIUM_MISSING, "[tools.browser] executable \""
                        + configured + "\" was not found or is not executable; " + HOW_TO_INSTALL);
            }
            return path;
        }
        for (String candidate : CANDIDATES) {
            Path path = find(candidate, environment.getOrDefault("PATH", ""));
            if (path != null) {
                return path;
            }
        }
        throw new BrowserException(BrowserException.Kind.CHROMIUM_MISSING, "Chromium was not found (looked for "
                + "/usr/bin/chromium, then chromium, chromium-browser, google-chrome on PATH); " + HOW_TO_INSTALL);
    }

    private static final String HOW_TO_INSTALL = "install it with `sudo apt-get install chromium` (Debian, Ubuntu), "
            + "`sudo dnf install chromium` (Fedora) or `brew install --cask chromium` (macOS), or set [tools.browser] "
            + "executable to a Chrome or Chromium, or cdp_url to a running one";

    private Map<String, String> childEnvironment() {
        Map<String, String> child = new LinkedHashMap<>();
        environment.forEach((name, value) -> {
            if (PASSED.contains(name) || name.startsWith("LC_") || name.startsWith("XDG_")) {
                child.put(name, value);
            }
        });
        // unattended: no crash handler processes (they outlive the browser in sessions of their own), no dialogs
        child.put("CHROME_HEADLESS", "1");
        return child;
    }

    private static Path find(String name, String searchPath) {
        try {
            if (name.contains("/")) {
                Path path = Path.of(name);
                return Files.isRegularFile(path) && Files.isExecutable(path) ? path : null;
            }
            for (String folder : searchPath.split(File.pathSeparator)) {
                if (!folder.isEmpty()) {
                    Path path = Path.of(folder, name);
                    if (Files.isRegularFile(path) && Files.isExecutable(path)) {
                        return path;
                    }
                }
            }
        } catch (InvalidPathException e) {
            // not a usable path
        }
        return null;
    }

    /** @return who holds the profile (Chromium's {@code SingletonLock}, "host-pid"), or {@code null} */
    private static String profileHolder(Path profile) {
        try {
            String target = Files.readSymbolicLink(profile.resolve("SingletonLock")).toString();
            int dash = target.lastIndexOf('-');
            long pid = Long.parseLong(target.substring(dash + 1));
            String host = target.substring(0, dash);
            Optional<ProcessHandle> process = ProcessHandle.of(pid);
            if (host.equals(hostName()) && process.isPresent() && process.get().isAlive()) {
                return "process " + pid;
            }
        } catch (IOException | RuntimeException e) {
            // no lock, or one we cannot read: Chromium decides
        }
        return null;
    }

    private static String hostName() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException e) {
            String name = System.getenv("HOSTNAME");
            return name == null ? "" : name;
        }
    }

    private static boolean runsAsRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.substring(4).strip().split("\\s+")[0].equals("0");
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return "root".equals(System.getProperty("user.name"));
    }
}
