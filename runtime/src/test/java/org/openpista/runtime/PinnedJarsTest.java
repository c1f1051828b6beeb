package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PinnedJarsTest {

    @TempDir
    Path dir;

    private Path jar(String dist, String feature, String name, String content) throws Exception {
        Path folder = Files.createDirectories(dir.resolve(dist).resolve("bundles").resolve(feature));
        Path jar = Files.writeString(folder.resolve(name), content);
        Files.setLastModifiedTime(jar, FileTime.fromMillis(1_000_000)); // as a reproducible build sets it
        return jar;
    }

    @Test
    void aPinnedJarKeepsItsContentWhenTheDistributionIsReplaced() throws Exception {
        Path core = jar("dist", "core", "a.jar", "one");
        Path web = jar("dist", "web", "a.jar", "web one");

        try (PinnedJars pinned = PinnedJars.pin(dir.resolve("store"), List.of(core, web))) {
            assertThat(pinned.complete()).isTrue();
            assertThat(pinned.jars()).hasSize(2).allSatisfy(link -> assertThat(link).startsWith(dir.resolve("store")));
            assertThat(pinned.jars().get(0).getFileName()).hasToString("core.a.jar");
            assertThat(pinned.jars().get(1).getFileName()).hasToString("web.a.jar");
            assertThat(Files.isSameFile(pinned.jars().get(0), core)).isTrue();

            // install.sh: the installation moves aside, the new one takes its path; then the old one goes
            Files.move(dir.resolve("dist"), dir.resolve("dist.previous"));
            jar("dist", "core", "a.jar", "two");
            InstalledBundles.delete(dir.resolve("dist.previous"));

            assertThat(pinned.jars().get(0)).hasContent("one");
            assertThat(pinned.jars().get(1)).hasContent("web one");
        }
    }

    @Test
    void theSameBuildGetsTheSameLinksAndARebuildNewOnes() throws Exception {
        Path jar = jar("dist", "core", "a.jar", "one");
        List<Path> first;
        try (PinnedJars pinned = PinnedJars.pin(dir.resolve("store"), List.of(jar))) {
            first = pinned.jars();
        }
        Object changed = Files.getAttribute(jar, "unix:ctime"); // a new link changes it, and the saved cache's key

        try (PinnedJars again = PinnedJars.pin(dir.resolve("store"), List.of(jar))) {
            assertThat(again.jars()).isEqualTo(first);
            assertThat(Files.getAttribute(jar, "unix:ctime")).isEqualTo(changed);
        }

        // same name, size and time (a reproducible build), another file
        Files.delete(jar);
        jar = jar("dist", "core", "a.jar", "two");
        try (PinnedJars rebuilt = PinnedJars.pin(dir.resolve("store"), List.of(jar))) {
            assertThat(rebuilt.jars().get(0)).isNotEqualTo(first.get(0)).hasContent("two");
            assertThat(first.get(0)).hasContent("one");
        }
    }

    @Test
    void withoutLinksTheDistributionsJarsAreInstalledAndMustStayOpen() throws Exception {
        Path jar = jar("dist", "core", "a.jar", "one");
        Path store = Files.writeString(dir.resolve("store"), "not a folder");

        try (PinnedJars pinned = PinnedJars.pin(store, List.of(jar))) {
            assertThat(pinned.complete()).isFalse();
            assertThat(pinned.jars()).containsExactly(jar);
        }
    }

    @Test
    void aNewSetDeletesTheSetsUnusedForADayThatNoProcessHolds() throws Exception {
        Path store = dir.resolve("store");
        PinnedJars old = PinnedJars.pin(store, List.of(jar("old", "core", "a.jar", "old")));
        old.close();
        PinnedJars running = PinnedJars.pin(store, List.of(jar("running", "core", "a.jar", "a daemon's")));
        PinnedJars recent = PinnedJars.pin(store, List.of(jar("recent", "core", "a.jar", "yesterday's run")));
        recent.close();
        FileTime twoDaysAgo = FileTime.fromMillis(System.currentTimeMillis() - 2 * PinnedJars.UNUSED);
        Files.setLastModifiedTime(old.jars().get(0).getParent(), twoDaysAgo);
        Files.setLastModifiedTime(running.jars().get(0).getParent(), twoDaysAgo);

        try (PinnedJars current = PinnedJars.pin(store, List.of(jar("new", "core", "a.jar", "new")))) {
            assertThat(old.jars().get(0).getParent()).doesNotExist();
            assertThat(running.jars().get(0)).hasContent("a daemon's");
            assertThat(recent.jars().get(0)).hasContent("yesterday's run");
            assertThat(current.jars().get(0)).hasContent("new");
        } finally {
            running.close();
        }
    }
}
