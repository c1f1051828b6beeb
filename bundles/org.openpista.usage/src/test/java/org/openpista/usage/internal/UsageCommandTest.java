package org.openpista.usage.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openpista.api.llm.Usage;
import org.openpista.api.memory.UsageLedger;
import org.openpista.api.memory.UsageRecord;
import picocli.CommandLine;

class UsageCommandTest {

    static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    /** The ledger's contract over a list: the records from a time on, oldest first. */
    static final class ListLedger implements UsageLedger {
        final List<UsageRecord> records = new ArrayList<>();

        @Override
        public void record(UsageRecord record) {
            records.add(record);
        }

        @Override
        public List<UsageRecord> since(Instant since) {
            return records.stream().filter(record -> !record.at().isBefore(since)).toList();
        }
    }

    final ListLedger ledger = new ListLedger();
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    int run(String... args) {
        CommandLine line = new CommandLine(new UsageCommand(ledger, new PriceTable(
                UsageCommand.overrides(new String[] {"{\"model\":\"local-llm\",\"input\":1,\"output\":2}"})), CLOCK));
        line.setOut(new PrintWriter(out));
        line.setErr(new PrintWriter(err));
        return line.execute(args);
    }

    @Test
    void theTableGroupsByModelWithCacheHitRateAndCostMostExpensiveFirst() {
        ledger.record(new UsageRecord(NOW.minusSeconds(60), "t1", "s1", "cli", "openai", "gpt-4o-mini",
                new Usage(1_000_000, 100_000, 0, 0)));
        ledger.record(new UsageRecord(NOW.minusSeconds(50), "t2", "s1", "cli", "openai", "gpt-4o",
                new Usage(1_000_000, 100_000, 750_000, 0)));
        ledger.record(new UsageRecord(NOW.minusSeconds(40), "t2", "s1", "cli", "openai", "gpt-4o",
                new Usage(1_000_000, 0, 250_000, 0)));
        ledger.record(new UsageRecord(NOW.minusSeconds(86400 * 8), "old", "s1", "cli", "openai", "gpt-4o",
                new Usage(99, 99)));

        assertThat(run()).isZero();

        // gpt-4o: 2M in, 1M cached (1.25/M) and 1M plain (2.50/M), 0.1M out (10/M) = 4.75
        // gpt-4o-mini: 1M plain (0.15/M), 0.1M out (0.60/M) = 0.21
        assertThat(out.toString()).isEqualTo("""
                Token usage since 2026-03-03 12:00:00:
                MODEL        REQUESTS  TURNS      INPUT   OUTPUT  CACHE READ  CACHE WRITE  CACHE HIT  COST (USD)
                gpt-4o              2      1  2,000,000  100,000   1,000,000            0      50.0%      4.7500
                gpt-4o-mini         1      1  1,000,000  100,000           0            0       0.0%      0.2100
                TOTAL               3      2  3,000,000  200,000   1,000,000            0      33.3%      4.9600
                """);
    }

    @Test
    void configuredPricesCountAndUnpricedModelsAreNamed() {
        ledger.record(new UsageRecord(NOW.minusSeconds(60), "t1", "s1", "web", "ollama", "local-llm",
                new Usage(1_000_000, 1_000_000)));
        ledger.record(new UsageRecord(NOW.minusSeconds(60), "t2", "s2", "telegram", "ollama", "mystery\u001b[2J",
                new Usage(10, 10)));

        assertThat(run("--by", "channel", "--since", "2026-03-10")).isZero();

        assertThat(out.toString())
                .startsWith("Token usage since 2026-03-10 00:00:00:\nCHANNEL")
                .containsPattern("web +1 +1 +1,000,000 +1,000,000 +0 +0 +0.0% +3.0000\n")
                .containsPattern("telegram .* \\?\n")
                .containsPattern("TOTAL .* 3.0000 \\+ \\?\n")
                .contains("No price for mystery", "[[pricing]]").doesNotContain("\u001b").doesNotContain("No price for local-llm");
    }

    @Test
    void nothingInThePeriodIsOneSentence() {
        assertThat(run("--since", "1h", "--by", "session")).isZero();
        assertThat(out.toString()).isEqualTo("No model requests since 2026-03-10 11:00:00.\n");
    }

    @Test
    void badArgumentsAreUsageErrors() {
        assertThat(run("--by", "user")).isEqualTo(2);
        assertThat(err.toString()).contains("--by takes provider, model, session or channel, not 'user'");
        assertThatThrownBy(() -> UsageCommand.start("yesterday", CLOCK)).hasMessageContaining("not 'yesterday'");
        assertThat(UsageCommand.start("2w", CLOCK)).isEqualTo(NOW.minusSeconds(14 * 86400));
        assertThat(UsageCommand.start("30m", CLOCK)).isEqualTo(NOW.minusSeconds(1800));
    }
}
