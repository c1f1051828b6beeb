package org.openpista.usage.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openpista.api.llm.Usage;

class PriceTableTest {

    @Test
    void aModelIsFoundByNameDatedVersionAndRouterPrefixTheLongestNameWinning() {
        PriceTable table = new PriceTable(Map.of());

        assertThat(table.find("gpt-4o")).contains(PriceTable.LIST_PRICES.get("gpt-4o"));
        assertThat(table.find("gpt-4o-2024-08-06")).contains(PriceTable.LIST_PRICES.get("gpt-4o"));
        assertThat(table.find("gpt-4o-mini-2024-07-18")).contains(PriceTable.LIST_PRICES.get("gpt-4o-mini"));
        assertThat(table.find("openai/GPT-4o")).contains(PriceTable.LIST_PRICES.get("gpt-4o"));
        assertThat(table.find("claude-sonnet-4-20250514")).contains(PriceTable.LIST_PRICES.get("claude-sonnet-4"));
        assertThat(table.find("llama3.2")).isEmpty();
        assertThat(table.find("gpt-4")).as("a prefix of a known name is another model").isEmpty();
    }

    @Test
    void overridesWinAndPriceModelsTheListDoesNotKnow() {
        Price cheap = new Price(0.5, 1, 0.05, 0);
        PriceTable table = new PriceTable(Map.of("gpt-4o", cheap, "llama3.2", new Price(0, 0, 0, 0)));

        assertThat(table.find("gpt-4o-2024-08-06")).contains(cheap);
        assertThat(table.find("llama3.2")).contains(new Price(0, 0, 0, 0));
    }

    @Test
    void theCachedPartOfThePromptCostsItsOwnPrice() {
        Price sonnet = PriceTable.LIST_PRICES.get("claude-sonnet-4");
        // 10,000 prompt tokens: 6,000 read from the cache, 1,000 written to it, 3,000 plain; 500 out
        double cost = sonnet.cost(new Usage(10_000, 500, 6_000, 1_000));

        assertThat(cost).isCloseTo((3_000 * 3.00 + 6_000 * 0.30 + 1_000 * 3.75 + 500 * 15.00) / 1e6, within(1e-12));
    }
}
