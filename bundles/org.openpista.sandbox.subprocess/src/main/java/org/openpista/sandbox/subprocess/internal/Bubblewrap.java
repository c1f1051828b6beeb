package org.openpista.sandbox.subprocess.internal;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The OS sandbox of the subprocess sandbox: bubblewrap ({@code bwrap}, Debian's {@code
 * bubblewrap}). A run gets
 *
 * <ul>
 *   <li>its own PID namespace and its own {@code /proc}, so no process of the daemon (and no
 *       {@code /proc/<pid>/environ} holding its secrets) can be seen; it dies with the daemon;
 *   <li>the system read-only ({@link #SYSTEM}: {@code /usr}, {@code /etc}, {@code /opt}, the
 *       {@code /bin} and {@code /lib} links) and nothing else of the file system: no home folder
 *       (no {@code config.toml}, {@code credentials.toml}, SSH keys), no {@code /run} (no Docker
 *       socket), an empty {@code /tmp};
 *   <li>the workspace read-write, its private {@code HOME}/{@code TMPDIR} read-write, and the
 *       folders of the files its command names (the skill's folder) read-only;
 *   <li>no network (only a loopback of its own) unless the request allows it;
 *   <li>no capabilities, also when the daemon runs as root.
 * </ul>
 *
 * Whether bwrap works here (installed, user namespaces allowed) is found out once, by running it.
 */
final class Bubblewrap {

    /** What is bound read-only (or recreated as the same link) from the host. */
    static final List<String> SYSTEM = List.of("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/opt");

    private final Path bwrap;
    private final boolean root;
    private volatile String unavailable;

    /** @param bwrap the bwrap program, or {@code null} when it is not installed */
    Bubblewrap(Path bwrap, boolean root) {
        this.bwrap = bwrap;
        this.root = root;
    }

    /** @return bwrap of the search path, checked on first use */
    static Bubblewrap find(String searchPath) {
        Path found = SubprocessSandbox.findExecutable("bwrap", searchPath + File.pathSeparator + "/usr/bin:/bin");
        return new Bubblewrap(found, isRoot());
    }

    /** @return why bubblewrap cannot be used here, or {@code null} when it can */
    String unavailable(String sandboxPath) {
        String known = unavailable;
        if (known != null) {
            return known.isEmpty() ? null : known;
        }
        String reason = probe(sandboxPath);
        unavailable = reason == null ? "" : reason;
        return reason;
    }

    private String probe(String sandboxPath) {
        if (bwrap == null) {
            return "bubblewrap (bwrap) is not installed";
        }
        Path tmp = null;
        try {
            tmp = Files.createTempDirectory("openpista-bwrap-probe-");
            Path truePath = SubprocessSandbox.findExecutable("true", sandboxPath);
            if (truePath == null) {
                return "no true program on " + sandboxPath;
            }
            List<String> command = command(List.of(truePath.toString()), tmp, tmp, tmp, false);
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readNBytes(2_000)).strip();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return "bwrap did not start within 10 s";
            }
            return process.exitValue() == 0 ? null : "bwrap cannot create its namespaces here: " + output.replaceAll("\\s+", " ");
        } catch (IOException e) {
            return "bwrap cannot be run: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while trying bwrap";
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    // an empty leftover folder in the temporary folder is harmless
                }
            }
        }
    }

    /**
     * @param program the resolved program and its arguments
     * @param workspace bound read-write
     * @param cwd the working directory (inside the workspace)
     * @param tmp the run's private HOME and TMPDIR, bound read-write
     * @param network whether the run keeps the host's network
     * @return the whole command line: bwrap, its options, {@code --}, the program
     */
    List<String> command(List<String> program, Path workspace, Path cwd, Path tmp, boolean network) {
        List<String> args = new ArrayList<>(List.of(bwrap.toString(), "--die-with-parent", "--unshare-pid", "--unshare-ipc",
                "--unshare-uts", "--unshare-cgroup-try"));
        if (!network) {
            args.add("--unshare-net");
        }
        if (root) {
            args.addAll(List.of("--cap-drop", "ALL"));
        }
        for (String entry : SYSTEM) {
            Path path = Path.of(entry);
            try {
                if (Files.isSymbolicLink(path)) {
                    args.addAll(List.of("--symlink", Files.readSymbolicLink(path).toString(), entry));
                } else if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    args.addAll(List.of("--ro-bind", entry, entry));
                }
            } catch (IOException e) {
                // unreadable: leave it out
            }
        }
        args.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"));
        args.addAll(List.of("--bind", tmp.toString(), tmp.toString()));
        args.addAll(List.of("--bind", workspace.toString(), workspace.toString()));
        for (Path folder : namedFolders(program)) {
            args.addAll(List.of("--ro-bind", folder.toString(), folder.toString()));
        }
        args.addAll(List.of("--chdir", cwd.toString(), "--"));
        args.addAll(program);
        return args;
    }

    /** @return the folders of the existing files the command names by absolute path, outside the system */
    static Set<Path> namedFolders(List<String> program) {
        Set<Path> folders = new LinkedHashSet<>();
        for (String arg : program) {
            if (!arg.startsWith("/")) {
                continue;
            }
            try {
                Path path = Path.of(arg).normalize();
                if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS) && path.getParent() != null
                        && !underSystem(path)) {
                    folders.add(path.getParent());
                }
            } catch (RuntimeException e) {
                // not a path: an ordinary argument
            }
        }
        return folders;
    }

    /** @return the entries of {@code searchPath} that the sandbox can see (under {@link #SYSTEM}) */
    static String visiblePath(String searchPath) {
        List<String> kept = new ArrayList<>();
        for (String entry : searchPath.split(File.pathSeparator)) {
            if (!entry.isEmpty() && entry.startsWith("/") && underSystem(Path.of(entry).normalize()) && !kept.contains(entry)) {
                kept.add(entry);
            }
        }
        return kept.isEmpty() ? "/usr/local/bin:/usr/bin:/bin" : String.join(File.pathSeparator, kept);
    }

    private static boolean underSystem(Path path) {
        for (String entry : SYSTEM) {
            if (path.startsWith(entry)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
