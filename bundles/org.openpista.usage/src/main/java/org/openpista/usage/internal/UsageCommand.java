package org.openpista.usage.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openpista.api.memory.StoreException;
import org.openpista.api.memory.UsageLedger;
import org.openpista.api.settings.SettingsSection;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code openpista usage [--since 7d] [--by provider|model|session|channel]}: the tokens the
 * model requests of a period spent, as a table with the prompt cache's hit rate and the cost at
 * the models' prices ({@code [[pricing]]} entries win over the built-in list prices).
 */
@SettingsSection(value = "pricing", pid = UsageCommand.PID, entries = "models")
@Component(service = org.openpista.api.command.CliCommand.class, configurationPid = UsageCommand.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = org.openpista.api.command.CliCommand.NAME + "=usage", scope = ServiceScope.PROTOTYPE)
@Designate(ocd = UsageCommand.Config.class)
@Command(name = "usage", mixinStandardHelpOptions = true,
        description = {"Token usage of the model requests of a period: input, output, prompt cache reads and writes,",
            "the cache-hit rate and the cost at the models' prices ([[pricing]] in config.toml overrides them)."})
public final class UsageCommand implements org.openpista.api.command.CliCommand, Callable<Integer> {

    /** The configuration PID the config loader writes {@code [[pricing]]} to. */
    static final String PID = "org.openpista.usage";

    private static final Logger LOG = LoggerFactory.getLogger(UsageCommand.class);
    private static final java.time.format.DateTimeFormatter SHOWN =
            java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final Pattern AGO = Pattern.compile("(\\d{1,6})([mhdw])");

    /** The {@code [[pricing]]} entries of config.toml. */
    @ObjectClassDefinition(name = "Pricing", description = "Model prices for openpista usage, in US dollars per "
            + "million tokens.")
    public @interface Config {
        @AttributeDefinition(name = "Models", description = "One JSON object per model: model, input, output, "
                + "cache_read, cache_write.")
        String[] models() default {};
    }

    private final UsageLedger ledger;
    private final PriceTable prices;
    private final Clock clock;

    @Spec
    CommandSpec spec;

    @Option(names = "--since", paramLabel = "WHEN", defaultValue = "7d",
            description = "The start of the period: 30m, 12h, 7d, 4w ago, or a date (2026-01-31). Default: ${DEFAULT-VALUE}.")
    String since;

    @Option(names = "--by", paramLabel = "GROUP", defaultValue = "model",
            description = "One row per provider, model, session or channel. Default: ${DEFAULT-VALUE}.")
    String by;

    @Activate
    public UsageCommand(@Reference UsageLedger ledger, Config config) {
        this(ledger, new PriceTable(overrides(config.models())), Clock.systemDefaultZone());
    }

    UsageCommand(UsageLedger ledger, PriceTable prices, Clock clock) {
        this.ledger = ledger;
        this.prices = prices;
        this.clock = clock;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        UsageReport.By group;
        try {
            group = UsageReport.By.valueOf(by.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            err.println("openpista usage: --by takes provider, model, session or channel, not '" + by + "'");
            return 2;
        }
        Instant start;
        try {
            start = start(since, clock);
        } catch (IllegalArgumentException e) {
            err.println("openpista usage: " + e.getMessage());
            return 2;
        }
        try {
            UsageReport report = new UsageReport(ledger.since(start), group, prices);
            out.print(report.render(group, "since " + SHOWN.format(start.atZone(clock.getZone()))));
            out.flush();
            return 0;
        } catch (StoreException e) {
            err.println("openpista usage: " + e.getMessage());
            return 1;
        }
    }

    /** @return the start of the period: {@code N} minutes, hours, days or weeks ago, or a day's midnight */
    static Instant start(String since, Clock clock) {
        String text = since.strip().toLowerCase(Locale.ROOT);
        Matcher ago = AGO.matcher(text);
        if (ago.matches()) {
            long n = Long.parseLong(ago.group(1));
            Duration length = switch (ago.group(2)) {
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofDays(7 * n);
            };
            return clock.instant().minus(length);
        }
        try {
            ZoneId zone = clock.getZone();
            return LocalDate.parse(text).atStartOfDay(zone).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--since takes 30m, 12h, 7d, 4w or a date like 2026-01-31, not '"
                    + since + "'");
        }
    }

    /** @return the prices of the {@code [[pricing]]} entries by model; a broken entry is logged and left out */
    static Map<String, Price> overrides(String[] entries) {
        ObjectMapper json = new ObjectMapper();
        Map<String, Price> prices = new LinkedHashMap<>();
        for (String entry : entries) {
            try {
                JsonNode price = json.readTree(entry);
                String model = price.path("model").asText("").strip();
                if (model.isEmpty()) {
                    LOG.error("Ignoring a [[pricing]] entry without a model");
                    continue;
                }
                prices.put(model, new Price(price.path("input").asDouble(0), price.path("output").asDouble(0),
                        price.path("cache_read").asDouble(0), price.path("cache_write").asDouble(0)));
            } catch (IOException e) {
                LOG.error("Ignoring a [[pricing]] entry that is not a JSON object: {}", e.getMessage());
            }
        }
        return prices;
    }
}
