package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.runtime.DistributionProcess.Result;
import org.openpista.testkit.FakeOpenAiServer;
import org.openpista.testkit.FakeReply;

/**
 * Token usage end to end: one-shot turns store the counts the provider reports (the fake OpenAI
 * server reports the repeated start of a prompt as cached, as the real API does), and {@code
 * openpista usage} adds them up at the price a {@code [[pricing]]} entry of config.toml sets.
 */
class UsageIT {

    @TempDir
    Path home;

    FakeOpenAiServer fake;

    @BeforeEach
    void setUp() throws Exception {
        fake = new FakeOpenAiServer();
        Files.writeString(home.resolve("config.toml"), """
                [agent]
                provider = "openai"
                model = "gpt-4o"
                base_url = "%s"
                api_key = "sk-test-secret-123"
                approval = "auto"

                [[pricing]]
                model = "gpt-4o"
                input = 1000
                output = 2000
                cache_read = 100
                """.formatted(fake.baseUrl()));
        Files.setPosixFilePermissions(home.resolve("config.toml"), PosixFilePermissions.fromString("rw-------"));
    }

    @AfterEach
    void tearDown() {
        fake.close();
    }

    /** Rows of the usage table: input, output, cache read, cache write, provider, model, oldest first. */
    List<long[]> usageRows() throws Exception {
        List<long[]> rows = new ArrayList<>();
        try (Connection db = new org.sqlite.JDBC().connect("jdbc:sqlite:" + home.resolve("memory.db"), new Properties());
                Statement query = db.createStatement();
                ResultSet result = query.executeQuery("SELECT input_tokens, output_tokens, cache_read_tokens, "
                        + "cache_write_tokens, provider, model FROM usage ORDER BY id")) {
            while (result.next()) {
                assertThat(result.getString(5)).isEqualTo("openai");
                assertThat(result.getString(6)).isEqualTo("gpt-4o");
                rows.add(new long[] {result.getLong(1), result.getLong(2), result.getLong(3), result.getLong(4)});
            }
        }
        return rows;
    }

    @Test
    void turnsStoreTheirTokensAndUsageAddsThemUpWithCacheHitsAndCost() throws Exception {
        fake.enqueue(FakeReply.text("Nice to meet you, Ada."), FakeReply.text("You are Ada."));
        Result first = DistributionProcess.run(home, Map.of(), "run", "-s", "work", "-e", "I am Ada");
        Result second = DistributionProcess.run(home, Map.of(), "run", "-s", "work", "-e", "Who am I?");
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(second.exitCode()).as(second.toString()).isZero();

        List<long[]> rows = usageRows();
        assertThat(rows).hasSize(2);
        // the fake counts four characters a token, and the second prompt repeats the first one's start
        String firstBody = fake.requests().get(0).body();
        String secondBody = fake.requests().get(1).body();
        int common = 0;
        while (common < Math.min(firstBody.length(), secondBody.length())
                && firstBody.charAt(common) == secondBody.charAt(common)) {
            common++;
        }
        // prompt tokens, cached prompt tokens and cache writes as the fake reported them; answers count some tokens
        assertThat(new long[] {rows.get(0)[0], rows.get(0)[2], rows.get(0)[3]}).containsExactly(firstBody.length() / 4, 0, 0);
        assertThat(new long[] {rows.get(1)[0], rows.get(1)[2], rows.get(1)[3]})
                .containsExactly(secondBody.length() / 4, common / 4, 0);
        assertThat(rows.get(0)[1]).isPositive();
        assertThat(rows.get(1)[1]).isPositive();
        assertThat(common / 4).isPositive();
        // cache-friendly prompts: the system prompt (skills included) and the tool list are the same bytes
        // from turn to turn, so everything before the new messages can come from the provider's cache
        com.fasterxml.jackson.databind.JsonNode firstJson = fake.requests().get(0).json();
        com.fasterxml.jackson.databind.JsonNode secondJson = fake.requests().get(1).json();
        assertThat(secondJson.path("messages").get(0).toString()).isEqualTo(firstJson.path("messages").get(0).toString());
        assertThat(secondJson.path("messages").get(0).path("role").asText()).isEqualTo("system");
        assertThat(secondJson.path("tools").toString()).isEqualTo(firstJson.path("tools").toString());
        assertThat(secondBody).startsWith(firstBody.substring(0, firstBody.indexOf("I am Ada")));

        Result usage = DistributionProcess.run(home, Map.of(), "usage", "--since", "1h");
        assertThat(usage.exitCode()).as(usage.toString()).isZero();
        long input = rows.get(0)[0] + rows.get(1)[0];
        long output = rows.get(0)[1] + rows.get(1)[1];
        long cached = rows.get(1)[2];
        double cost = ((input - cached) * 1000.0 + output * 2000.0 + cached * 100.0) / 1e6;
        String row = usage.stdout().lines().filter(line -> line.startsWith("gpt-4o ")).findFirst().orElseThrow();
        assertThat(row.split(" +")).containsExactly("gpt-4o", "2", "2", String.format("%,d", input),
                String.format("%,d", output), String.format("%,d", cached), "0",
                String.format(java.util.Locale.ROOT, "%.1f%%", 100.0 * cached / input),
                String.format(java.util.Locale.ROOT, "%.4f", cost));
        assertThat(usage.stdout()).startsWith("Token usage since ").contains("TOTAL").doesNotContain("No price");

        Result bad = DistributionProcess.run(home, Map.of(), "usage", "--by", "user");
        assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(2);
        assertThat(bad.stderr()).contains("--by takes provider, model, session or channel");
    }
}
