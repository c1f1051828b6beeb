package org.openpista.usage.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.openpista.api.channel.TerminalText;
import org.openpista.api.llm.Usage;
import org.openpista.api.memory.UsageRecord;

/**
 * The table of {@code openpista usage}: one row per provider, model, session or channel, most
 * expensive (then most tokens) first, and a total. The cache-hit rate is the share of prompt
 * tokens read from the prompt cache; the cost adds each request at its model's price and is
 * {@code ?} when a model has no price (the total then says how much is unpriced).
 */
final class UsageReport {

    /** What a row groups by. */
    enum By {
        PROVIDER(UsageRecord::provider),
        MODEL(UsageRecord::model),
        SESSION(UsageRecord::sessionId),
        CHANNEL(UsageRecord::channel);

        final Function<UsageRecord, String> key;

        By(Function<UsageRecord, String> key) {
            this.key = key;
        }
    }

    /** The sums of one row. */
    static final class Row {
        final String key;
        Usage usage = Usage.NONE;
        int requests;
        final Set<String> turns = new HashSet<>();
        double cost;
        boolean unpriced;

        Row(String key) {
            this.key = key;
        }

        void add(UsageRecord record, Optional<Price> price) {
            usage = usage.plus(record.usage());
            requests++;
            turns.add(record.turnId());
            if (price.isPresent()) {
                cost += price.get().cost(record.usage());
            } else if (record.usage().inputTokens() + record.usage().outputTokens() > 0) {
                unpriced = true;
            }
        }

        /** @return the share of prompt tokens read from the cache, 0 to 1 */
        double cacheHitRate() {
            return usage.inputTokens() == 0 ? 0 : (double) usage.cacheReadTokens() / usage.inputTokens();
        }
    }

    private final List<Row> rows;
    private final Row total = new Row("total");
    private final Set<String> unpricedModels = new TreeSet<>();

    UsageReport(List<UsageRecord> records, By by, PriceTable prices) {
        Map<String, Row> grouped = new LinkedHashMap<>();
        for (UsageRecord record : records) {
            Optional<Price> price = prices.find(record.model());
            if (price.isEmpty()) {
                unpricedModels.add(record.model());
            }
            String key = by.key.apply(record);
            grouped.computeIfAbsent(key.isEmpty() ? "-" : key, Row::new).add(record, price);
            total.add(record, price);
        }
        rows = new ArrayList<>(grouped.values());
        rows.sort((a, b) -> a.cost != b.cost ? Double.compare(b.cost, a.cost)
                : Long.compare(b.usage.inputTokens() + b.usage.outputTokens(), a.usage.inputTokens() + a.usage.outputTokens()));
    }

    List<Row> rows() {
        return rows;
    }

    Row total() {
        return total;
    }

    /** @return the models without a price, sorted */
    List<String> unpricedModels() {
        return List.copyOf(unpricedModels);
    }

    /** @return the table with a header, its rows and the total; a sentence when there is nothing */
    String render(By by, String period) {
        if (rows.isEmpty()) {
            return "No model requests " + period + ".\n";
        }
        List<String[]> lines = new ArrayList<>();
        lines.add(new String[] {by.name(), "REQUESTS", "TURNS", "INPUT", "OUTPUT", "CACHE READ", "CACHE WRITE",
            "CACHE HIT", "COST (USD)"});
        for (Row row : rows) {
            lines.add(cells(TerminalText.safe(row.key), row));
        }
        lines.add(cells("TOTAL", total));
        int[] widths = new int[lines.get(0).length];
        for (String[] line : lines) {
            for (int i = 0; i < line.length; i++) {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        StringBuilder text = new StringBuilder("Token usage " + period + ":\n");
        for (String[] line : lines) {
            for (int i = 0; i < line.length; i++) {
                String cell = line[i];
                String padding = " ".repeat(widths[i] - cell.length());
                // the key left-aligned, the figures right-aligned
                text.append(i == 0 ? cell + padding : padding + cell);
                text.append(i == line.length - 1 ? "\n" : "  ");
            }
        }
        if (!unpricedModels.isEmpty()) {
            text.append("No price for ").append(TerminalText.safe(String.join(", ", unpricedModels)))
                    .append(": add a [[pricing]] entry to config.toml (openpista config example shows one).\n");
        }
        return text.toString();
    }

    private static String[] cells(String key, Row row) {
        return new String[] {key, Long.toString(row.requests), Integer.toString(row.turns.size()),
            tokens(row.usage.inputTokens()), tokens(row.usage.outputTokens()), tokens(row.usage.cacheReadTokens()),
            tokens(row.usage.cacheWriteTokens()), String.format(Locale.ROOT, "%.1f%%", row.cacheHitRate() * 100),
            cost(row)};
    }

    /** @return the cost, {@code ?} when nothing of it is priced, {@code N + ?} when part is */
    private static String cost(Row row) {
        String priced = String.format(Locale.ROOT, "%.4f", row.cost);
        if (!row.unpriced) {
            return priced;
        }
        return row.cost == 0 ? "?" : priced + " + ?";
    }

    private static String tokens(long count) {
        return String.format(Locale.ROOT, "%,d", count);
    }
}
