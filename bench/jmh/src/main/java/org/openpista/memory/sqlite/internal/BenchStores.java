package org.openpista.memory.sqlite.internal;

import java.nio.file.Path;
import org.openpista.api.memory.ConversationStore;

/** Opens the real SQLite store outside a framework, for benchmarks. */
public final class BenchStores {

    private BenchStores() {}

    public static ConversationStore sqlite(Path file) {
        return new SqliteConversationStore(file);
    }

    public static void close(ConversationStore store) {
        ((SqliteConversationStore) store).deactivate();
    }
}
