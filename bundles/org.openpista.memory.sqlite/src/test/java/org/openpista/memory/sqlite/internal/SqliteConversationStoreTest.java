package org.openpista.memory.sqlite.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.chat.Attachment;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.chat.Role;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.memory.SessionInfo;
import org.openpista.api.memory.StoreException;

class SqliteConversationStoreTest {

    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00.123456789Z");

    @TempDir
    Path dir;

    private Path file;
    private SqliteConversationStore store;

    @BeforeEach
    void open() {
        file = dir.resolve("nested/folders/memory.db");
        store = new SqliteConversationStore(file);
    }

    @AfterEach
    void close() {
        store.deactivate();
    }

    @Test
    void opensWithWalForeignKeysAndCreatesFolders() throws SQLException {
        assertThat(file).isRegularFile();
        assertThat(TestDatabases.queryString(file, "PRAGMA journal_mode")).isEqualTo("wal");
        assertThat(TestDatabases.queryLong(file, "PRAGMA user_version")).isEqualTo(Schema.LATEST);
    }

    @Test
    void everyKindOfMessageRoundTripsExactlyAndInOrder() {
        store.ensureSession("cli:work", "cli", "cli:work");
        ToolCall run = new ToolCall("call_1", "system.run", "{ \"command\" : \"ls -la\",\n  \"timeout\": 30 }");
        ToolCall read = new ToolCall("toolu_2", "fs.read", "{\"path\":\"/tmp/ü — ✓ 😀\"}");
        ToolCall empty = new ToolCall("call_3", "screen.capture", "");
        byte[] png = new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2, (byte) 0xff};
        List<ChatMessage> messages = List.of(
                ChatMessage.system("You are openpista.").withCreatedAt(T0),
                ChatMessage.user("list my files\nplease 😀")
                        .withAttachments(List.of(
                                new Attachment("image/png", "shot.png", png),
                                new Attachment("text/plain", null, new byte[0])))
                        .withCreatedAt(T0.plusNanos(1)),
                ChatMessage.assistant("Let me look.", List.of(run, read, empty))
                        .withProviderData("{\"reasoning\":\"enc-abc\"}")
                        .withCreatedAt(T0.plusSeconds(1)),
                ChatMessage.toolResult(run, "total 0", false).withCreatedAt(T0.plusSeconds(2)),
                ChatMessage.toolResult(read, "error: no such file", true).withCreatedAt(T0.plusSeconds(3)),
                ChatMessage.toolResult(empty, "captured", false)
                        .withAttachments(List.of(new Attachment("image/png", "screen.png", png)))
                        .withCreatedAt(T0.plusSeconds(4)),
                ChatMessage.assistant("").withCreatedAt(T0.plusSeconds(5)),
                ChatMessage.assistant("Here they are.").withCreatedAt(T0.plusSeconds(6)));
        for (ChatMessage message : messages) {
            store.append("cli:work", message);
        }

        List<ChatMessage> history = store.history("cli:work");

        assertThat(history).containsExactlyElementsOf(messages);
        assertThat(history.get(2).toolCalls()).extracting(ToolCall::arguments)
                .containsExactly(run.arguments(), read.arguments(), "{}");
        assertThat(history.get(1).attachments().get(0).data()).isEqualTo(png);
        assertThat(history.get(4).error()).isTrue();
        assertThat(history.get(4).toolName()).isEqualTo("fs.read");
    }

    @Test
    void historySurvivesReopeningTheFile() {
        store.ensureSession("s", "cli", "cli:s");
        store.append("s", ChatMessage.user("remember me").withCreatedAt(T0));
        store.deactivate();

        store = new SqliteConversationStore(file);

        assertThat(store.appliedMigrations()).isEmpty();
        assertThat(store.history("s")).containsExactly(ChatMessage.user("remember me").withCreatedAt(T0));
    }

    @Test
    void ensureSessionCreatesOnceAndKeepsTheFirstChannel() {
        SessionInfo created = store.ensureSession("web:abc", "web", "web:abc");
        SessionInfo again = store.ensureSession("web:abc", "telegram", "telegram:1");

        assertThat(created.channel()).isEqualTo("web");
        assertThat(created.conversationKey()).isEqualTo("web:abc");
        assertThat(created.messageCount()).isZero();
        assertThat(created.preview()).isEmpty();
        assertThat(again).isEqualTo(created);
        assertThat(store.session("web:abc")).contains(created);
        assertThat(store.session("nope")).isEmpty();
    }

    @Test
    void appendTouchesTheSessionAndSessionsAreListedMostRecentFirst() {
        SessionInfo a = store.ensureSession("a", "cli", "cli:a");
        store.ensureSession("b", "cli", "cli:b");
        store.ensureSession("c", "cli", "cli:c");
        store.append("a", ChatMessage.user("hello a"));

        assertThat(store.sessions(10)).extracting(SessionInfo::id).containsExactly("a", "c", "b");
        assertThat(store.sessions(2)).extracting(SessionInfo::id).containsExactly("a", "c");
        assertThat(store.sessions(0)).isEmpty();
        SessionInfo touched = store.session("a").orElseThrow();
        assertThat(touched.updatedAt()).isAfter(a.updatedAt());
        assertThat(touched.createdAt()).isEqualTo(a.createdAt());
    }

    @Test
    void sessionsCarryCountAndPreviewOfTheLatestText() {
        store.ensureSession("s", "telegram", "telegram:42");
        ToolCall call = new ToolCall("c1", "system.run", "{}");
        String longText = "  first line\n\n  " + "x".repeat(200);
        store.append("s", ChatMessage.user("old question"));
        store.append("s", ChatMessage.assistant(longText));
        store.append("s", ChatMessage.assistant("", List.of(call)));
        store.append("s", ChatMessage.toolResult(call, "tool output is not a preview", false));

        SessionInfo info = store.sessions(5).get(0);

        assertThat(info.messageCount()).isEqualTo(4);
        assertThat(info.preview()).startsWith("first line xxx").endsWith("…").hasSize(100);
        assertThat(info.channel()).isEqualTo("telegram");
        assertThat(info.conversationKey()).isEqualTo("telegram:42");
    }

    @Test
    void previewCutsOnCodePoints() {
        assertThat(Rows.preview("😀".repeat(150)))
                .isEqualTo("😀".repeat(99) + "…");
        assertThat(Rows.preview(" short\ttext ")).isEqualTo("short text");
        assertThat(Rows.preview(null)).isEmpty();
    }

    @Test
    void deleteCascadesToMessagesAndAttachments() throws SQLException {
        store.ensureSession("gone", "cli", "cli:gone");
        store.ensureSession("kept", "cli", "cli:kept");
        Attachment image = new Attachment("image/png", "a.png", "png".getBytes(UTF_8));
        store.append("gone", ChatMessage.user("bye").withAttachments(List.of(image)));
        store.append("kept", ChatMessage.user("stay").withAttachments(List.of(image)));

        assertThat(store.deleteSession("gone")).isTrue();
        assertThat(store.deleteSession("gone")).isFalse();

        assertThat(store.session("gone")).isEmpty();
        assertThat(store.history("gone")).isEmpty();
        assertThat(store.history("kept")).hasSize(1);
        assertThat(TestDatabases.queryLong(file, "SELECT COUNT(*) FROM messages")).isEqualTo(1);
        assertThat(TestDatabases.queryLong(file, "SELECT COUNT(*) FROM attachments")).isEqualTo(1);
    }

    @Test
    void historyKeepsEachMessagesOwnAttachmentsWhenAFileIsGoneOrTheBytesAreInTheRow() throws Exception {
        store.ensureSession("s", "web", "web:s");
        Attachment kept = new Attachment("image/png", "kept.png", "kept".getBytes(UTF_8));
        Attachment lost = new Attachment("image/png", "lost.png", "lost".getBytes(UTF_8));
        store.append("s", ChatMessage.user("two photos").withAttachments(List.of(lost, kept)).withCreatedAt(T0));
        store.append("s", ChatMessage.assistant("an old photo follows").withCreatedAt(T0.plusSeconds(1)));
        store.append("s", ChatMessage.user("from before media files").withCreatedAt(T0.plusSeconds(2)));
        String sha = MediaFiles.sha256(lost.data());
        Files.delete(file.resolveSibling("media").resolve(sha.substring(0, 2)).resolve(sha));
        // a row written before media files existed keeps its bytes itself, without a hash
        TestDatabases.execute(file, "INSERT INTO attachments (message_id, position, mime_type, name, data) "
                + "SELECT id, 0, 'text/plain', 'old.txt', X'6F6C64' FROM messages WHERE seq = 3");

        List<ChatMessage> history = store.history("s");

        assertThat(history).extracting(ChatMessage::content)
                .containsExactly("two photos", "an old photo follows", "from before media files");
        assertThat(history.get(0).attachments()).containsExactly(kept);
        assertThat(history.get(1).attachments()).isEmpty();
        assertThat(history.get(2).attachments())
                .containsExactly(new Attachment("text/plain", "old.txt", "old".getBytes(UTF_8)));
    }

    @Test
    void attachmentBytesLiveOnceInOwnerOnlyFilesNamedByTheirHashAndGoWithTheirLastSession() throws Exception {
        store.ensureSession("a", "web", "web:a");
        store.ensureSession("b", "web", "web:b");
        byte[] photo = "a photo's bytes".getBytes(UTF_8);
        Attachment image = new Attachment("image/jpeg", "photo.jpg", photo);
        store.append("a", ChatMessage.user("look").withAttachments(List.of(image)));
        store.append("b", ChatMessage.user("again").withAttachments(List.of(image)));

        String sha = MediaFiles.sha256(photo);
        Path stored = file.resolveSibling("media").resolve(sha.substring(0, 2)).resolve(sha);
        assertThat(stored).hasBinaryContent(photo);
        try (var files = Files.walk(file.resolveSibling("media"))) {
            assertThat(files.filter(Files::isRegularFile)).hasSize(1);
        }
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(stored)))
                .isEqualTo("rw-------");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(file.resolveSibling("media")))).isEqualTo("rwx------");
        assertThat(TestDatabases.queryLong(file, "SELECT SUM(length(data)) FROM attachments")).isZero();
        assertThat(store.history("b").get(0).attachments()).containsExactly(image);

        store.deleteSession("a");
        assertThat(stored).exists();
        store.deleteSession("b");
        assertThat(stored).doesNotExist();
    }

    @Test
    void attachmentsBeyondTheMediaQuotaAreRefusedAndTheMessageIsNotStored() throws SQLException {
        store.deactivate();
        store = new SqliteConversationStore(file, 100);
        store.ensureSession("s", "web", "web:s");
        store.append("s", ChatMessage.user("small").withAttachments(List.of(new Attachment("text/plain", "a.txt",
                new byte[60]))));

        assertThatThrownBy(() -> store.append("s", ChatMessage.user("too much").withAttachments(
                List.of(new Attachment("text/plain", "b.txt", new byte[50])))))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("the storage for photos and files is full (0.0 of 0.0 MB used, [database] media_quota_mb)");
        assertThat(store.history("s")).extracting(ChatMessage::content).containsExactly("small");
    }

    @Test
    void appendToAnUnknownSessionFailsClearlyAndStoresNothing() throws SQLException {
        assertThatThrownBy(() -> store.append("ghost", ChatMessage.user("hi")))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("no session 'ghost'")
                .hasMessageContaining(file.toString());
        assertThat(TestDatabases.queryLong(file, "SELECT COUNT(*) FROM messages")).isZero();
    }

    @Test
    void historyOfAnUnknownSessionIsEmpty() {
        assertThat(store.history("never")).isEmpty();
    }

    @Test
    void aClosedStoreRefusesWithAClearMessage() {
        store.deactivate();
        store.deactivate(); // twice is harmless

        assertThatThrownBy(() -> store.sessions(5))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("closed")
                .hasMessageContaining(file.toString());
    }

    @Test
    void aFullDiskFailsTheAppendWithoutHalfWrittenData() throws Exception {
        store.ensureSession("s", "cli", "cli:s");
        store.append("s", ChatMessage.user("before"));
        SessionInfo before = store.session("s").orElseThrow();
        // the store's own connection may not grow the file any more: SQLite reports SQLITE_FULL
        long pages = TestDatabases.queryLong(file, "PRAGMA page_count");
        storeConnectionExecute("PRAGMA max_page_count = " + pages);

        String big = "y".repeat(1_000_000);
        assertThatThrownBy(() -> store.append("s", ChatMessage.user(big).withAttachments(
                        List.of(new Attachment("application/octet-stream", "big.bin", new byte[2_000_000])))))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("full");

        assertThat(store.history("s")).extracting(ChatMessage::content).containsExactly("before");
        assertThat(store.session("s").orElseThrow().updatedAt()).isEqualTo(before.updatedAt());
        assertThat(TestDatabases.queryLong(file, "SELECT COUNT(*) FROM attachments")).isZero();

        storeConnectionExecute("PRAGMA max_page_count = 1073741823");
        store.append("s", ChatMessage.user("after"));
        assertThat(store.history("s")).extracting(ChatMessage::content).containsExactly("before", "after");
    }

    @Test
    void aCorruptFileIsRefusedNamingTheFile() throws Exception {
        Path corrupt = dir.resolve("corrupt.db");
        Files.write(corrupt, "this is certainly not a SQLite database ".repeat(200).getBytes(UTF_8));

        assertThatThrownBy(() -> new SqliteConversationStore(corrupt))
                .isInstanceOf(StoreException.class)
                .hasMessage(corrupt + " is not a SQLite database; [database] url must name an openpista memory database");
    }

    @Test
    void anUnwritableLocationIsRefusedNamingTheFile() throws Exception {
        Path blocker = Files.writeString(dir.resolve("blocker"), "a file, not a folder");
        Path impossible = blocker.resolve("sub/memory.db");

        assertThatThrownBy(() -> new SqliteConversationStore(impossible))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(impossible.toString())
                .hasMessageContaining("cannot create the folder");
        assertThatThrownBy(() -> new SqliteConversationStore(dir))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(dir.toString())
                .hasMessageContaining("directory");
    }

    @Test
    void rolesAreStoredByWireName() throws SQLException {
        store.ensureSession("s", "cli", "cli:s");
        store.append("s", ChatMessage.user("u"));
        assertThat(TestDatabases.queryString(file, "SELECT role FROM messages")).isEqualTo(Role.USER.wireName());
    }

    private void storeConnectionExecute(String sql) throws Exception {
        Field db = SqliteConversationStore.class.getDeclaredField("db");
        db.setAccessible(true);
        Field connection = Database.class.getDeclaredField("connection");
        connection.setAccessible(true);
        try (Statement statement = ((Connection) connection.get(db.get(store))).createStatement()) {
            statement.execute(sql);
        }
    }
}
