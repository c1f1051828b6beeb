package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
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
            Path coreLink = pinned.path(core);
            Path webLink = pinned.path(web);
            assertThat(coreLink).startsWith(dir.resolve("store")).hasFileName("core.a.jar");
            assertThat(webLink).startsWith(dir.resolve("store")).hasFileName("web.a.jar");
            assertThat(Files.isSameFile(coreLink, core)).isTrue();

            // install.sh: the installation moves aside, the new one takes its path; then the old one goes
            Files.move(dir.resolve("dist"), dir.resolve("dist.previous"));
            jar("dist", "core", "a.jar", "two");
            InstalledBundles.delete(dir.resolve("dist.previous"));

            assertThat(coreLink).hasContent("one");
            assertThat(webLink).hasContent("web one");
        }
    }

    @Test
    void theSameBuildGetsTheSameLinksAndARebuildNewOnes() throws Exception {
        Path jar = jar("dist", "core", "a.jar", "one");
        Path first;
        try (PinnedJars pinned = PinnedJars.pin(dir.resolve("store"), List.of(jar))) {
            first = pinned.path(jar);
        }
        Object changed = Files.getAttribute(jar, "unix:ctime"); // a new link changes it, and the saved cache's key

        try (PinnedJars again = PinnedJars.pin(dir.resolve("store"), List.of(jar))) {
            assertThat(again.path(jar)).isEqualTo(first);
            assertThat(Files.getAttribute(jar, "unix:ctime")).isEqualTo(changed);
        }

        // same name, size and time (a reproducible build), another file
        Files.delete(jar);
        jar = jar("dist", "core", "a.jar", "two");
        try (PinnedJars rebuilt = PinnedJars.pin(dir.resolve("store"), List.of(jar))) {
            assertThat(rebuilt.path(jar)).isNotEqualTo(first).hasContent("two");
            assertThat(first).hasContent("one");
        }
    }

    @Test
    void withoutLinksTheDistributionsJarsAreInstalledAndMustStayOpen() throws Exception {
        Path jar = jar("dist", "core", "a.jar", "one");
        Path store = Files.writeString(dir.resolve("store"), "not a folder");

        try (PinnedJars pinned = PinnedJars.pin(store, List.of(jar))) {
            assertThat(pinned.complete()).isFalse();
            assertThat(pinned.path(jar)).isEqualTo(jar);
        }
    }

    @Test
    void aNewSetDeletesTheSetsUnusedForADayThatNoProcessHolds() throws Exception {
        Path store = dir.resolve("store");
        Path oldJar = jar("old", "core", "a.jar", "old");
        PinnedJars old = PinnedJars.pin(store, List.of(oldJar));
        old.close();
        Path runningJar = jar("running", "core", "a.jar", "a daemon's");
        PinnedJars running = PinnedJars.pin(store, List.of(runningJar));
        Path recentJar = jar("recent", "core", "a.jar", "yesterday's run");
        PinnedJars recent = PinnedJars.pin(store, List.of(recentJar));
        recent.close();
        FileTime twoDaysAgo = FileTime.fromMillis(System.currentTimeMillis() - 2 * PinnedJars.UNUSED);
        Files.setLastModifiedTime(old.path(oldJar).getParent(), twoDaysAgo);
        Files.setLastModifiedTime(running.path(runningJar).getParent(), twoDaysAgo);

        Path newJar = jar("new", "core", "a.jar", "new");
        try (PinnedJars current = PinnedJars.pin(store, List.of(newJar))) {
            assertThat(old.path(oldJar).getParent()).doesNotExist();
            assertThat(running.path(runningJar)).hasContent("a daemon's");
            assertThat(recent.path(recentJar)).hasContent("yesterday's run");
            assertThat(current.path(newJar)).hasContent("new");
        } finally {
            running.close();
        }
    }

    @Test
    void theStoreIsTheUsersCacheSoThatEveryHomeSharesOneSetPerBuild() {
        assertThat(PinnedJars.store(Map.of("XDG_CACHE_HOME", "/var/cache/u"))).isEqualTo(Path.of("/var/cache/u/openpista/jars"));
        assertThat(PinnedJars.store(Map.of("XDG_CACHE_HOME", "relative"))).isEqualTo(Path.of(Home.expand("~/.cache/openpista/jars")));
    }
}
