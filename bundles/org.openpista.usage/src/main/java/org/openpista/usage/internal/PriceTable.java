package org.openpista.usage.internal;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Prices by model: the vendors' list prices of common models, under the {@code [[pricing]]}
 * entries of config.toml (which win, and price any other model). A model is found by its exact
 * name, else by the longest known name it starts with ({@code gpt-4o-2024-08-06} is priced as
 * {@code gpt-4o}, {@code gpt-4o-mini} as itself); a router's prefix ({@code openai/gpt-4o}) is
 * ignored. Unknown models have no price, and their cost is shown as unknown rather than zero.
 */
final class PriceTable {

    /**
     * List prices in dollars per million tokens (input, output, cache read, cache write) as the
     * vendors publish them; a vendor that does not charge cache writes apart has 0 there (OpenAI
     * caches automatically and bills only the reads, at a discount).
     */
    static final Map<String, Price> LIST_PRICES = Map.ofEntries(
            Map.entry("gpt-4o", new Price(2.50, 10.00, 1.25, 0)),
            Map.entry("gpt-4o-mini", new Price(0.15, 0.60, 0.075, 0)),
            Map.entry("gpt-4.1", new Price(2.00, 8.00, 0.50, 0)),
            Map.entry("gpt-4.1-mini", new Price(0.40, 1.60, 0.10, 0)),
            Map.entry("gpt-4.1-nano", new Price(0.10, 0.40, 0.025, 0)),
            Map.entry("gpt-5", new Price(1.25, 10.00, 0.125, 0)),
            Map.entry("gpt-5-mini", new Price(0.25, 2.00, 0.025, 0)),
            Map.entry("gpt-5-nano", new Price(0.05, 0.40, 0.005, 0)),
            Map.entry("o3", new Price(2.00, 8.00, 0.50, 0)),
            Map.entry("o3-mini", new Price(1.10, 4.40, 0.55, 0)),
            Map.entry("o4-mini", new Price(1.10, 4.40, 0.275, 0)),
            Map.entry("claude-3-5-haiku", new Price(0.80, 4.00, 0.08, 1.00)),
            Map.entry("claude-3-5-sonnet", new Price(3.00, 15.00, 0.30, 3.75)),
            Map.entry("claude-3-7-sonnet", new Price(3.00, 15.00, 0.30, 3.75)),
            Map.entry("claude-sonnet-4", new Price(3.00, 15.00, 0.30, 3.75)),
            Map.entry("claude-haiku-4-5", new Price(1.00, 5.00, 0.10, 1.25)),
            Map.entry("claude-opus-4", new Price(15.00, 75.00, 1.50, 18.75)),
            Map.entry("claude-opus-4-5", new Price(5.00, 25.00, 0.50, 6.25)));

    private final Map<String, Price> prices;

    /** @param overrides prices from config.toml by model name; they win over the list prices */
    PriceTable(Map<String, Price> overrides) {
        Map<String, Price> all = new LinkedHashMap<>(LIST_PRICES);
        overrides.forEach((model, price) -> all.put(model.toLowerCase(Locale.ROOT), price));
        this.prices = Map.copyOf(all);
    }

    /** @return the price of the model, if known */
    Optional<Price> find(String model) {
        String name = model.toLowerCase(Locale.ROOT).strip();
        Price exact = prices.get(name);
        if (exact != null) {
            return Optional.of(exact);
        }
        int slash = name.lastIndexOf('/');
        if (slash >= 0 && prices.containsKey(name.substring(slash + 1))) {
            return Optional.of(prices.get(name.substring(slash + 1)));
        }
        String bare = slash >= 0 ? name.substring(slash + 1) : name;
        String best = null;
        for (String known : prices.keySet()) {
            if (bare.startsWith(known + "-") && (best == null || known.length() > best.length())) {
                best = known;
            }
        }
        return Optional.ofNullable(best == null ? null : prices.get(best));
    }
}
