package org.openpista.daemon.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's class-data archive, recorded once the daemon is ready (Java 17 and 18, where the
 * launcher starts a daemon without a fresh archive with {@code -XX:+RecordDynamicDumpInfo} and
 * names the file in {@code openpista.cds.dump}): {@code jcmd PID VM.cds dynamic_dump} writes the
 * classes loaded so far, and so not the ~100 that only stopping loads, which the archive made at
 * exit held and every later daemon mapped (relocated, so resident) without using them. The file is
 * written under {@code FILE.part} and renamed when complete; the next start takes it once this
 * daemon is gone, as before.
 */
final class ArchiveDump {

    /** The system property with the file the launcher wants the archive in. */
    static final String FILE = "openpista.cds.dump";

    private static final Logger LOG = LoggerFactory.getLogger(ArchiveDump.class);
    /** How long a dump may take (~30 MB of ~6,500 classes; 1-3 s on a busy machine). */
    private static final Duration LIMIT = Duration.ofMinutes(2);

    private final Path jcmd;
    private final Path file;
    private volatile Thread thread;

    ArchiveDump(Path jcmd, Path file) {
        this.jcmd = jcmd;
        this.file = file;
    }

    /** @return the dump the launcher asked for, or {@code null} */
    static ArchiveDump requested() {
        String file = System.getProperty(FILE, "");
        return file.isEmpty() ? null : new ArchiveDump(Path.of(System.getProperty("java.home"), "bin", "jcmd"), Path.of(file));
    }

    /** Starts the dump in the background: the daemon serves meanwhile. */
    void start() {
        Thread dump = new Thread(this::dump, "openpista-cds-dump");
        dump.setDaemon(true);
        thread = dump;
        dump.start();
    }

    /** Waits for a dump under way, so that stopping does not cut it short (once per build). */
    void awaitDone() {
        Thread dump = thread;
        if (dump != null) {
            try {
                dump.join(LIMIT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** @return whether the archive was written */
    boolean dump() {
        Path part = file.resolveSibling(file.getFileName() + ".part");
        List<String> command = List.of(jcmd.toString(), Long.toString(ProcessHandle.current().pid()), "VM.cds",
                "dynamic_dump", part.toString());
        // the JDK's dump says "Dynamic dump to file ..." on System.out, the terminal of a daemon in the
        // foreground (the CLI channel writes to the file descriptor, not to System.out)
        PrintStream out = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
            } else if (process.exitValue() == 0 && Files.size(part) > 0) {
                Files.move(part, file, StandardCopyOption.ATOMIC_MOVE);
                LOG.info("Recorded the daemon's class-data archive {}", file);
                return true;
            }
            LOG.info("Could not record the daemon's class-data archive: {}", output.strip());
        } catch (IOException e) {
            LOG.info("Could not record the daemon's class-data archive: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            System.setOut(out);
        }
        try {
            Files.deleteIfExists(part);
        } catch (IOException e) {
            LOG.debug("Cannot delete {}", part, e);
        }
        return false;
    }
}
