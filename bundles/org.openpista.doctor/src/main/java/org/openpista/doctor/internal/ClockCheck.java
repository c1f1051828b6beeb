package org.openpista.doctor.internal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openpista.api.config.ConfigException;
import org.openpista.api.config.ConfigurationLoader;
import org.openpista.api.doctor.DoctorCheck;
import org.openpista.api.llm.LlmProvider;
import org.openpista.api.llm.LlmProviders;
import org.openpista.api.llm.ProviderPreset;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * Whether this machine's clock agrees with the provider's (its {@code Date} header): signed
 * requests, login tokens and TLS certificates fail on a clock that is minutes off. The endpoint is
 * the provider's {@code base.url} (its service property), else the address its preset's
 * description names; one unauthenticated {@code GET} within 10 seconds. Skipped under {@code
 * --offline}.
 */
@Component(property = DoctorCheck.ORDER + ":Integer=40")
public final class ClockCheck implements DoctorCheck {

    /** A skew beyond this is a warning. */
    static final Duration WARN_SKEW = Duration.ofSeconds(30);
    /** A skew beyond this fails. */
    static final Duration FAIL_SKEW = Duration.ofMinutes(5);

    private static final Pattern URL = Pattern.compile("https?://[^\\s,;)]+");

    private final BundleContext context;
    private final ConfigurationLoader loader;

    @Reference(service = LlmProvider.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC)
    volatile List<Map.Entry<Map<String, Object>, LlmProvider>> providers = List.of();

    @Activate
    public ClockCheck(BundleContext context, @Reference ConfigurationLoader loader) {
        this.context = context;
        this.loader = loader;
    }

    @Override
    public String area() {
        return "clock";
    }

    @Override
    public List<CheckResult> check(Options options) {
        if (options.offline()) {
            return List.of(CheckResult.skipped("not compared with the provider's clock (--offline)"));
        }
        String name;
        try {
            name = loader.report().provider();
        } catch (ConfigException e) {
            return List.of(CheckResult.skipped("the configuration does not load (see config)"));
        }
        Optional<URI> endpoint = endpoint(name);
        if (endpoint.isEmpty()) {
            return List.of(CheckResult.skipped("provider " + name + " names no endpoint to compare clocks with"));
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        HttpResponse<Void> response;
        Instant sent = Instant.now();
        try {
            response = http.send(HttpRequest.newBuilder(endpoint.get()).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            return List.of(CheckResult.warn("cannot reach " + endpoint.get().getHost() + " to compare clocks: " + e,
                    "check the network"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of(CheckResult.skipped("interrupted"));
        }
        Instant received = Instant.now();
        return List.of(judge(response.headers().firstValue("Date"), sent.plus(Duration.between(sent, received).dividedBy(2)),
                endpoint.get().getHost()));
    }

    /** @return the verdict on the server's {@code Date} against the local time of the request */
    static CheckResult judge(Optional<String> date, Instant local, String host) {
        if (date.isEmpty()) {
            return CheckResult.skipped(host + " sends no Date header to compare clocks with");
        }
        Instant remote;
        try {
            remote = ZonedDateTime.parse(date.get(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return CheckResult.skipped(host + " sends a Date header that is no date: " + date.get());
        }
        Duration skew = Duration.between(remote, local).abs();
        // the header has whole seconds: a second off is no skew
        String text = "this clock and " + host + "'s differ by " + skew.toSeconds() + " s";
        if (skew.compareTo(FAIL_SKEW) > 0) {
            return CheckResult.fail(text, "set the clock: enable NTP (timedatectl set-ntp true)");
        }
        if (skew.compareTo(WARN_SKEW) > 0) {
            return CheckResult.warn(text, "enable NTP (timedatectl set-ntp true)");
        }
        return CheckResult.ok(text);
    }

    private Optional<URI> endpoint(String name) {
        String configured = "";
        String preset = name;
        for (Map.Entry<Map<String, Object>, LlmProvider> entry : providers) {
            if (name.equals(entry.getKey().get(LlmProvider.NAME))) {
                Object url = entry.getKey().get("base.url");
                configured = url == null ? "" : url.toString().strip();
                Object named = entry.getKey().get("preset");
                preset = named == null || named.toString().isBlank() ? name : named.toString().strip();
            }
        }
        if (!configured.isEmpty()) {
            return uri(configured);
        }
        for (Map<String, Object> declared : LlmProviders.declaredPresets(context)) {
            if (preset.equals(declared.get(ProviderPreset.NAME))) {
                Object description = declared.get(ProviderPreset.DESCRIPTION);
                Matcher url = URL.matcher(description == null ? "" : description.toString());
                if (url.find()) {
                    return uri(url.group());
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<URI> uri(String text) {
        try {
            URI uri = URI.create(text);
            return uri.getHost() == null ? Optional.empty() : Optional.of(uri);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
