package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SavedComponentMetadataTest {

    @TempDir
    Path dir;

    /** Bundle id to last-modified time, as a process restored from the saved bundle cache has them. */
    static final Map<Long, Long> SAVED = Map.of(0L, 0L, 1L, 100L, 2L, 100L);

    @Test
    void scrsDataFileIsInItsBundleFolderOfTheStorage() {
        assertThat(SavedComponentMetadata.dataFile(dir, 7)).isEqualTo(dir.resolve("bundle7/data/componentMetadataStore"));
    }

    @Test
    void aStoreWrittenByOneProcessIsWhereScrReadsItInTheNext() throws Exception {
        Path first = SavedComponentMetadata.dataFile(dir.resolve("one"), 1);
        SavedComponentMetadata one = SavedComponentMetadata.restore(dir.resolve("saved"), "felix-k1", SAVED, dir.resolve("one"), 1, true);
        assertThat(first).doesNotExist(); // nothing saved yet: SCR parses the descriptors
        write(first, "parsed by one"); // SCR writes its store as it stops
        assertThat(one.unchanged(SAVED)).isTrue();
        one.save();

        Path second = SavedComponentMetadata.dataFile(dir.resolve("two"), 1);
        SavedComponentMetadata.restore(dir.resolve("saved"), "felix-k1", SAVED, dir.resolve("two"), 1, true);

        assertThat(second).hasContent("parsed by one");
        assertThat(dir.resolve("saved/felix-k1.components")).hasContent("parsed by one");
        assertThat(SavedComponentMetadata.restore(dir.resolve("saved"), "felix-other", SAVED,
                dir.resolve("three"), 1, true)).isNotNull();
        assertThat(SavedComponentMetadata.dataFile(dir.resolve("three"), 1)).as("another key's bundles").doesNotExist();
    }

    @Test
    void itIsSavedOnceAndNeverOverwritten() throws Exception {
        Path first = SavedComponentMetadata.dataFile(dir.resolve("one"), 1);
        SavedComponentMetadata one = SavedComponentMetadata.restore(dir.resolve("saved"), "felix-k1", SAVED, dir.resolve("one"), 1, true);
        write(first, "first");
        one.save();
        Path second = SavedComponentMetadata.dataFile(dir.resolve("two"), 1);
        SavedComponentMetadata two = SavedComponentMetadata.restore(dir.resolve("saved"), "felix-k1", SAVED, dir.resolve("two"), 1, true);
        Files.writeString(second, "second");

        two.save();

        assertThat(dir.resolve("saved/felix-k1.components")).hasContent("first");
        try (var files = Files.list(dir.resolve("saved"))) {
            assertThat(files).as("no partial copy left").hasSize(1);
        }
    }

    @Test
    void aProcessWithAPluginOrAnUpdatedBundleHasItsStoreNotSaved() throws Exception {
        SavedComponentMetadata store = SavedComponentMetadata.restore(dir.resolve("saved"), "felix-k1", SAVED,
                dir.resolve("one"), 1, true);

        // FileInstall installed a plugin after the saved bundles
        assertThat(store.unchanged(Map.of(0L, 0L, 1L, 100L, 2L, 100L, 3L, 250L))).isFalse();
        // a built-in bundle was updated (openpista bundles update): a new time
        assertThat(store.unchanged(Map.of(0L, 0L, 1L, 100L, 2L, 300L))).isFalse();
        // one was uninstalled
        assertThat(store.unchanged(Map.of(0L, 0L, 1L, 100L))).isFalse();
        assertThat(store.unchanged(Map.of(0L, 0L, 1L, 100L, 2L, 100L))).isTrue();
    }

    @Test
    void bundlesInstalledAfreshDeleteTheStoreOfAnEarlierCopy() throws Exception {
        Path first = SavedComponentMetadata.dataFile(dir.resolve("one"), 1);
        SavedComponentMetadata one = SavedComponentMetadata.restore(dir.resolve("saved"), "felix-k1", SAVED, dir.resolve("one"), 1, true);
        write(first, "of the earlier copy");
        one.save();

        // the saved bundle cache could not be read and was installed afresh: new times
        Path second = SavedComponentMetadata.dataFile(dir.resolve("two"), 1);
        SavedComponentMetadata.restore(dir.resolve("saved"), "felix-k1", Map.of(0L, 0L, 1L, 500L), dir.resolve("two"), 1, false);

        assertThat(dir.resolve("saved/felix-k1.components")).doesNotExist();
        assertThat(second).doesNotExist();
    }

    @Test
    void nothingIsSavedWhenScrWroteNothing() {
        SavedComponentMetadata store = SavedComponentMetadata.restore(dir.resolve("saved"), "felix-k1", SAVED,
                dir.resolve("one"), 1, true);

        store.save();

        assertThat(dir.resolve("saved/felix-k1.components")).doesNotExist();
    }

    private static void write(Path file, String text) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
