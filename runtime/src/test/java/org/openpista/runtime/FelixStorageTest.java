package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FelixStorageTest {

    @TempDir
    Path home;

    @Test
    void aDaemonKeepsItsStorageInTheHomeForItsOwnerAlone() throws Exception {
        FelixStorage created = FelixStorage.create(home, true);
        Path storage = created.dir();
        try {
            assertThat(storage.getParent()).isEqualTo(home.resolve("cache"));
            assertThat(storage.getFileName().toString()).startsWith("felix-" + ProcessHandle.current().pid() + "-");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(storage))).isEqualTo("rwx------");
            try (Stream<Path> files = Files.list(storage)) {
                assertThat(files).isEmpty();
            }
        } finally {
            created.close();
        }
        assertThat(storage).doesNotExist();
    }

    @Test
    void anotherProcessKeepsItsStorageInTheTemporaryFolder() throws Exception {
        FelixStorage created = FelixStorage.create(home, false);
        Path storage = created.dir();
        try {
            assertThat(storage).startsWith(Path.of(System.getProperty("java.io.tmpdir")));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(storage))).isEqualTo("rwx------");
            assertThat(home.resolve("cache")).doesNotExist();
        } finally {
            created.close();
        }
    }

    @Test
    void theNextDaemonDeletesTheStorageOfAKilledOneAndKeepsThoseInUse() throws Exception {
        long gone = endedProcess();
        Process running = new ProcessBuilder("sleep", "60").start();
        try {
            Path cache = Files.createDirectories(home.resolve("cache"));
            Path killed = storage(cache, gone, "1", true);
            Path live = storage(cache, running.pid(), "2", true);
            Path locked = storage(cache, gone, "3", true);
            Path noLock = storage(cache, gone, "4", false); // killed before Felix made its lock
            Path own = storage(cache, ProcessHandle.current().pid(), "5", true);
            Path saved = Files.createDirectories(cache.resolve("framework").resolve("felix-0123456789ab"));

            Path mine;
            try (FileChannel channel = FileChannel.open(locked.resolve("cache.lock"), StandardOpenOption.WRITE);
                    FileLock lock = channel.lock()) {
                assertThat(lock.isValid()).isTrue();
                mine = FelixStorage.create(home, true).dir();
            }

            assertThat(killed).doesNotExist();
            assertThat(noLock).doesNotExist();
            assertThat(live).as("its process runs").isDirectory();
            assertThat(locked).as("its Felix lock is held (a daemon of another PID namespace)").isDirectory();
            assertThat(own).isDirectory();
            assertThat(saved).as("the saved bundle caches are another folder's business").isDirectory();
            assertThat(mine).isDirectory().isNotIn(killed, live, locked, noLock, own);
        } finally {
            running.destroyForcibly().waitFor();
        }
    }

    /** A storage folder as Felix leaves it: a bundle's data and, from its init on, its lock. */
    private static Path storage(Path cache, long pid, String suffix, boolean lock) throws Exception {
        Path dir = Files.createDirectories(cache.resolve("felix-" + pid + "-" + suffix));
        Files.createDirectories(dir.resolve("bundle1/data/config"));
        Files.writeString(dir.resolve("bundle1/data/config/secret.config"), "api_key=\"sk-test\"");
        if (lock) {
            Files.createFile(dir.resolve("cache.lock"));
        }
        return dir;
    }

    /** @return the PID of a process that has ended */
    private static long endedProcess() throws Exception {
        Process process = new ProcessBuilder("true").start();
        process.waitFor();
        long pid = process.pid();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        return pid;
    }
}
