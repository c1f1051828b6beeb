package org.openpista.usage.internal;

import java.time.Instant;
import java.util.List;
import org.openpista.api.memory.UsageLedger;
import org.openpista.api.memory.UsageRecord;
import org.openpista.api.usage.UsageSummaries;
import org.openpista.api.usage.UsageSummary;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;

/**
 * The sums of {@code openpista usage} for channels that show them ({@code /usage} in the web
 * chat): the total row of its table, for a period and maybe one session, priced with the same
 * {@code [[pricing]]} entries.
 */
@Component(service = UsageSummaries.class, configurationPid = UsageCommand.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class UsageSummaryService implements UsageSummaries {

    private final UsageLedger ledger;
    private final PriceTable prices;

    @Activate
    public UsageSummaryService(@Reference UsageLedger ledger, UsageCommand.Config config) {
        this(ledger, new PriceTable(UsageCommand.overrides(config.models())));
    }

    UsageSummaryService(UsageLedger ledger, PriceTable prices) {
        this.ledger = ledger;
        this.prices = prices;
    }

    @Override
    public UsageSummary summary(Instant since, String sessionId) {
        List<UsageRecord> records = ledger.since(since).stream()
                .filter(record -> sessionId == null || record.sessionId().equals(sessionId)).toList();
        UsageReport report = new UsageReport(records, UsageReport.By.MODEL, prices);
        UsageReport.Row total = report.total();
        return new UsageSummary(since, sessionId, total.requests, total.turns.size(), total.usage, total.cost,
                report.unpricedModels());
    }
}
