package org.openpista.channel.discord.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openpista.channel.support.RecentIds;
import org.openpista.channel.support.StateFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the bot has handed to the agent, kept in a file: the ids of the latest messages (so a message
 * that arrives twice, live and again while catching up, is handled once), and per conversation the
 * channel and the newest message handed over, so that after a restart (a new gateway session, which
 * does not replay what was written meanwhile) the bot reads each conversation's messages after that
 * one and answers them.
 */
final class MessageLedger {

    /** How many message ids are remembered. */
    static final int CAPACITY = 2048;

    /**
     * Where a conversation lives.
     *
     * @param key the conversation key
     * @param channelId its channel (or thread)
     * @param userId for a direct message, the user (the DM channel is opened through them); else empty
     * @param lastMessageId the newest message handed over
     */
    record Conversation(String key, String channelId, String userId, String lastMessageId) {}

    private static final Logger LOG = LoggerFactory.getLogger(MessageLedger.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final RecentIds handled = new RecentIds(CAPACITY);
    private final Map<String, Conversation> conversations = new LinkedHashMap<>();

    MessageLedger(Path file) {
        this.file = file;
        read();
    }

    /** @return the ledger file of a bot in the channel's state folder */
    static Path fileFor(Path stateDir, String botId) {
        return stateDir.resolve("messages-" + botId.replaceAll("[^0-9]", "_") + ".json");
    }

    /** @return whether the message was handed over already */
    synchronized boolean contains(String messageId) {
        return handled.contains(messageId);
    }

    /** @return the conversations known, to catch up with */
    synchronized List<Conversation> conversations() {
        return List.copyOf(conversations.values());
    }

    /**
     * Records a message as handed over; the file is written before this returns.
     *
     * @throws IOException when the file cannot be written (the id still counts until the channel stops)
     */
    synchronized void record(String messageId, Conversation conversation) throws IOException {
        handled.add(messageId);
        Conversation known = conversations.get(conversation.key());
        if (known == null || Long.parseUnsignedLong(known.lastMessageId()) < Long.parseUnsignedLong(messageId)) {
            conversations.put(conversation.key(), conversation);
        }
        ObjectNode root = JSON.createObjectNode();
        handled.ids().forEach(root.putArray("handled")::add);
        ObjectNode known2 = root.putObject("conversations");
        conversations.values().forEach(c -> known2.putObject(c.key()).put("channel", c.channelId()).put("user", c.userId())
                .put("last", c.lastMessageId()));
        StateFiles.writeAtomically(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
    }

    private void read() {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            LOG.warn("Cannot read the Discord message ledger {} ({}); messages may be handled twice or missed after "
                    + "a restart", file, e.getMessage());
            return;
        }
        root.path("handled").forEach(id -> handled.add(id.asText()));
        root.path("conversations").properties().forEach(entry -> conversations.put(entry.getKey(),
                new Conversation(entry.getKey(), entry.getValue().path("channel").asText(""),
                        entry.getValue().path("user").asText(""), entry.getValue().path("last").asText("0"))));
    }
}
