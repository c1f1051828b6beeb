package org.openpista.cron.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openpista.api.cron.CronJobSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the scheduler keeps across restarts, in {@code $OPENPISTA_HOME/cron.json}: the jobs added
 * from the admin shell, and per job when it was first seen and the last time it was due. From
 * those the next start can tell which runs fell into the time the daemon was down. Written
 * atomically (temporary file, then rename); an unreadable file is set aside, not lost.
 */
final class CronState {

    private static final Logger LOG = LoggerFactory.getLogger(CronState.class);

    /** When a job was first seen and when it was last due (run or skipped). */
    record Times(Instant since, Instant lastDue) {}

    private final Path file;
    private final ObjectMapper json = new ObjectMapper();
    private final List<CronJobSpec> added = new ArrayList<>();
    private final Map<String, Times> times = new LinkedHashMap<>();

    CronState(Path file) {
        this.file = file;
        load();
    }

    synchronized List<CronJobSpec> added() {
        return List.copyOf(added);
    }

    synchronized void add(CronJobSpec spec) {
        added.add(spec);
    }

    synchronized boolean remove(CronJobSpec spec) {
        return added.remove(spec);
    }

    synchronized Times times(String id) {
        return times.get(id);
    }

    synchronized void times(String id, Times value) {
        times.put(id, value);
    }

    /** Forgets the times of jobs that no longer exist. */
    synchronized void retain(java.util.Set<String> ids) {
        times.keySet().retainAll(ids);
    }

    synchronized void save() {
        ObjectNode root = json.createObjectNode();
        ArrayNode jobs = root.putArray("jobs");
        for (CronJobSpec spec : added) {
            CronJobJson.write(spec, jobs.addObject());
        }
        ObjectNode runs = root.putObject("runs");
        times.forEach((id, value) -> {
            ObjectNode entry = runs.putObject(id);
            entry.put("since", value.since().toString());
            if (value.lastDue() != null) {
                entry.put("last_due", value.lastDue().toString());
            }
        });
        try {
            Files.createDirectories(file.getParent());
            Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(temporary, json.writerWithDefaultPrettyPrinter().writeValueAsString(root));
            try {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            LOG.warn("Cannot save the cron state to {}: {}", file, e.getMessage());
        }
    }

    private void load() {
        if (!Files.exists(file)) {
            return;
        }
        try {
            JsonNode root = json.readTree(file.toFile());
            for (JsonNode job : root.path("jobs")) {
                added.add(CronJobJson.read(job));
            }
            root.path("runs").properties().forEach(entry -> {
                JsonNode value = entry.getValue();
                Instant since = Instant.parse(value.path("since").asText());
                Instant lastDue = value.hasNonNull("last_due") ? Instant.parse(value.path("last_due").asText()) : null;
                times.put(entry.getKey(), new Times(since, lastDue));
            });
        } catch (IOException | RuntimeException e) {
            Path aside = file.resolveSibling(file.getFileName() + ".broken");
            LOG.error("Cannot read the cron state {} ({}); it is kept as {} and the scheduler starts afresh", file,
                    e.getMessage(), aside);
            added.clear();
            times.clear();
            try {
                Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException moveFailed) {
                LOG.warn("Cannot move {} aside: {}", file, moveFailed.getMessage());
            }
        }
    }
}
