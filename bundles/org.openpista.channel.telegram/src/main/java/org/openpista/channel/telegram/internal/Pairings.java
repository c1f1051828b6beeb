package org.openpista.channel.telegram.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.openpista.channel.support.StateFiles;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may talk to the bot besides {@code allowed_users}: strangers get a one-time pairing code, the
 * owner approves it in the admin shell ({@code openpista:pair approve CODE}), and the stranger's
 * numeric user id is added for good. Only numeric ids count: usernames can be changed or taken
 * over, so they are shown for the owner's information and never trusted.
 *
 * <p>Kept in {@code $OPENPISTA_HOME/telegram/pairing.json}, written atomically after each change,
 * so approvals survive restarts and a code issued before a restart still works after it. Codes
 * expire after an hour; at most {@value #MAX_PENDING} wait at once, the oldest dropped first, so
 * strangers cannot grow the file without bound.
 */
@Component(service = Pairings.class)
public final class Pairings {

    private static final Logger LOG = LoggerFactory.getLogger(Pairings.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How long a code can be used. */
    static final Duration CODE_LIFETIME = Duration.ofHours(1);
    /** The most codes waiting at once. */
    static final int MAX_PENDING = 50;
    // no 0/O, 1/I/L: codes are read aloud and typed
    private static final String ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

    /**
     * A code waiting for the owner.
     *
     * @param code the code, {@code XXXX-XXXX}
     * @param userId the stranger's numeric user id
     * @param chatId the chat the code was sent to
     * @param name the stranger's display name and username, for the owner's information only
     * @param issuedAt when the code was issued
     */
    record Pending(String code, long userId, long chatId, String name, Instant issuedAt) {}

    /**
     * A user the owner approved.
     *
     * @param userId the numeric user id
     * @param name the display name at approval time
     * @param approvedAt when
     */
    record Approved(long userId, String name, Instant approvedAt) {}

    private final Path file;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    // guarded by this
    private final Map<String, Pending> pending = new LinkedHashMap<>();
    private final Map<Long, Approved> approved = new LinkedHashMap<>();

    @Activate
    public Pairings(BundleContext context) {
        this(TelegramChannel.stateDir(context).resolve("pairing.json"), Clock.systemUTC());
    }

    Pairings(Path file, Clock clock) {
        this.file = file;
        this.clock = clock;
        load();
    }

    /** @return whether the owner approved this user id through pairing */
    public synchronized boolean isApproved(long userId) {
        return approved.containsKey(userId);
    }

    /**
     * @return the code for a stranger: the one still valid from an earlier message, or a new one
     */
    public synchronized Pending codeFor(long userId, long chatId, String name) {
        expire();
        for (Pending waiting : pending.values()) {
            if (waiting.userId() == userId) {
                return waiting;
            }
        }
        while (pending.size() >= MAX_PENDING) {
            pending.remove(pending.keySet().iterator().next());
        }
        String code;
        do {
            code = newCode();
        } while (pending.containsKey(code));
        Pending issued = new Pending(code, userId, chatId, name, clock.instant());
        pending.put(code, issued);
        save();
        LOG.info("Telegram pairing code issued to user id {} ({}); the owner approves it with: openpista:pair approve {}",
                userId, name, code);
        return issued;
    }

    /**
     * Approves a code: its user id may talk to the bot from now on, and the code is used up.
     *
     * @return the approved request, or empty when no such code waits (wrong, used or expired)
     */
    public synchronized Optional<Pending> approve(String code) {
        expire();
        Pending request = pending.remove(normalise(code));
        if (request == null) {
            return Optional.empty();
        }
        approved.put(request.userId(), new Approved(request.userId(), request.name(), clock.instant()));
        save();
        LOG.info("Telegram user id {} ({}) approved by pairing", request.userId(), request.name());
        return Optional.of(request);
    }

    /** Refuses a code: it is used up and the user id stays a stranger. */
    public synchronized Optional<Pending> deny(String code) {
        Pending request = pending.remove(normalise(code));
        if (request != null) {
            save();
        }
        return Optional.ofNullable(request);
    }

    /** Removes a paired user id. @return whether it was paired */
    public synchronized boolean revoke(long userId) {
        boolean removed = approved.remove(userId) != null;
        if (removed) {
            save();
        }
        return removed;
    }

    /** @return the codes waiting, oldest first */
    public synchronized List<Pending> pending() {
        expire();
        return List.copyOf(pending.values());
    }

    /** @return how many codes wait for the owner, without dropping the expired ones from the file (for status) */
    public synchronized int waiting() {
        Instant oldest = clock.instant().minus(CODE_LIFETIME);
        return (int) pending.values().stream().filter(request -> !request.issuedAt().isBefore(oldest)).count();
    }

    /** @return the paired users, in approval order */
    public synchronized List<Approved> approved() {
        return List.copyOf(approved.values());
    }

    /** @return a code without dashes and spaces, upper case, as {@code XXXX-XXXX} */
    static String normalise(String code) {
        String compact = code == null ? "" : code.replaceAll("[\\s-]", "").toUpperCase(Locale.ROOT);
        return compact.length() == 8 ? compact.substring(0, 4) + "-" + compact.substring(4) : compact;
    }

    private String newCode() {
        StringBuilder code = new StringBuilder(9);
        for (int i = 0; i < 8; i++) {
            if (i == 4) {
                code.append('-');
            }
            code.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return code.toString();
    }

    private void expire() {
        Instant oldest = clock.instant().minus(CODE_LIFETIME);
        if (pending.values().removeIf(request -> request.issuedAt().isBefore(oldest))) {
            save();
        }
    }

    private void load() {
        if (!Files.exists(file)) {
            return;
        }
        try {
            JsonNode root = JSON.readTree(file.toFile());
            for (JsonNode entry : root.path("approved")) {
                long id = entry.path("user_id").asLong();
                approved.put(id, new Approved(id, entry.path("name").asText(""), instant(entry.path("approved_at"))));
            }
            List<Pending> waiting = new ArrayList<>();
            for (JsonNode entry : root.path("pending")) {
                waiting.add(new Pending(entry.path("code").asText(), entry.path("user_id").asLong(),
                        entry.path("chat_id").asLong(), entry.path("name").asText(""), instant(entry.path("issued_at"))));
            }
            waiting.sort(Comparator.comparing(Pending::issuedAt));
            waiting.forEach(request -> pending.put(request.code(), request));
        } catch (IOException | RuntimeException e) {
            // refuse to run on a damaged file: starting empty would silently drop approvals
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage()
                    + " (fix or remove the file; it lists the Telegram users approved by pairing)", e);
        }
    }

    private void save() {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode approvedNodes = root.putArray("approved");
        approved.values().forEach(user -> approvedNodes.addObject().put("user_id", user.userId()).put("name", user.name())
                .put("approved_at", user.approvedAt().toString()));
        ArrayNode pendingNodes = root.putArray("pending");
        pending.values().forEach(request -> pendingNodes.addObject().put("code", request.code())
                .put("user_id", request.userId()).put("chat_id", request.chatId()).put("name", request.name())
                .put("issued_at", request.issuedAt().toString()));
        try {
            StateFiles.writeAtomically(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static Instant instant(JsonNode node) {
        try {
            return Instant.parse(node.asText());
        } catch (RuntimeException e) {
            return Instant.EPOCH;
        }
    }
}
