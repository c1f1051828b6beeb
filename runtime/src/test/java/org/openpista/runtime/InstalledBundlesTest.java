package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstalledBundlesTest {

    @TempDir
    Path dir;

    @Test
    void theKeyChangesWithABundleItsStartLevelAndTheLauncher() throws Exception {
        Path lib = Files.createDirectories(dir.resolve("lib"));
        Files.writeString(lib.resolve("framework.jar"), "framework");
        Path jar = Files.writeString(dir.resolve("a.jar"), "one");
        String key = InstalledBundles.key(List.of("1 a.jar"), List.of(jar), lib);

        assertThat(InstalledBundles.key(List.of("1 a.jar"), List.of(jar), lib)).isEqualTo(key);
        assertThat(InstalledBundles.key(List.of("2 a.jar"), List.of(jar), lib)).isNotEqualTo(key);
        Files.writeString(jar, "other"); // a rebuilt bundle
        String rebuilt = InstalledBundles.key(List.of("1 a.jar"), List.of(jar), lib);
        assertThat(rebuilt).isNotEqualTo(key);
        Files.writeString(lib.resolve("framework.jar"), "a newer framework");
        assertThat(InstalledBundles.key(List.of("1 a.jar"), List.of(jar), lib)).isNotEqualTo(rebuilt);
    }

    @Test
    void aSavedCacheIsCopiedWithoutFelixsLockAndTheCopyIsPrivateToItsProcess() throws Exception {
        Path storage = Files.createDirectories(dir.resolve("storage/bundle1"));
        Files.writeString(storage.resolve("bundle.info"), "installed");
        Files.writeString(dir.resolve("storage/cache.lock"), "");
        InstalledBundles saved = new InstalledBundles(dir.resolve("saved"), "felix-k1");
        Path empty = Files.createDirectories(dir.resolve("other"));
        assertThat(saved.restore(empty)).isFalse();

        saved.save(dir.resolve("storage"));
        Path copy = Files.createDirectories(dir.resolve("copy"));
        assertThat(saved.restore(copy)).isTrue();

        assertThat(copy.resolve("bundle1/bundle.info")).hasContent("installed");
        assertThat(copy.resolve("cache.lock")).doesNotExist();
        Files.writeString(copy.resolve("bundle1/bundle.info"), "started"); // the process's framework writes its copy
        assertThat(dir.resolve("saved/felix-k1/bundle1/bundle.info")).hasContent("installed");
    }

    @Test
    void theFileFelixWritesOnceIsLinkedNotCopiedAndTheOthersAreCopies() throws Exception {
        Path revision = Files.createDirectories(dir.resolve("storage/bundle1/version0.0"));
        Files.writeString(dir.resolve("storage/bundle1/bundle.info"), "installed");
        Files.writeString(revision.resolve("revision.location"), "reference:file:/a.jar");
        InstalledBundles saved = new InstalledBundles(dir.resolve("saved"), "felix-k1");
        saved.save(dir.resolve("storage"));
        Path copy = Files.createDirectories(dir.resolve("copy"));

        assertThat(saved.restore(copy)).isTrue();

        Path location = copy.resolve("bundle1/version0.0/revision.location");
        assertThat(location).hasContent("reference:file:/a.jar");
        assertThat(Files.isSameFile(location, dir.resolve("saved/felix-k1/bundle1/version0.0/revision.location"))).isTrue();
        assertThat(Files.isSameFile(copy.resolve("bundle1/bundle.info"), dir.resolve("saved/felix-k1/bundle1/bundle.info")))
                .isFalse();
        InstalledBundles.delete(copy); // the process's cache goes at exit; the saved one keeps its file
        assertThat(dir.resolve("saved/felix-k1/bundle1/version0.0/revision.location")).hasContent("reference:file:/a.jar");
    }

    @Test
    void savingANewKeyDeletesCopiesUnusedForADayAndKeepsRecentOnes() throws Exception {
        Path storage = Files.createDirectories(dir.resolve("storage/bundle1"));
        Files.writeString(storage.resolve("bundle.info"), "installed");
        new InstalledBundles(dir.resolve("saved"), "felix-old").save(dir.resolve("storage"));
        new InstalledBundles(dir.resolve("saved"), "felix-daemon").save(dir.resolve("storage"));
        Files.setLastModifiedTime(dir.resolve("saved/felix-old"), FileTime.fromMillis(System.currentTimeMillis() - 2 * 86_400_000L));

        new InstalledBundles(dir.resolve("saved"), "felix-new").save(dir.resolve("storage"));

        assertThat(dir.resolve("saved/felix-old")).doesNotExist();
        assertThat(dir.resolve("saved/felix-daemon")).isDirectory();
        assertThat(dir.resolve("saved/felix-new/bundle1/bundle.info")).hasContent("installed");
    }
}
