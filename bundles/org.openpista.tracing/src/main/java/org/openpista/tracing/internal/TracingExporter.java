package org.openpista.tracing.internal;

import org.openpista.api.observe.TurnObserver;
import org.openpista.api.settings.SettingsSection;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenTelemetry traces ({@code [tracing]}): with an {@code endpoint} it registers the {@link
 * TurnTracer} and sends each turn's spans to the collector over OTLP/HTTP (JSON encoding); without
 * one it does nothing at all, so turns see no observer from it. Runs wherever turns run (the daemon
 * and {@code openpista run}); what waits is sent, for up to five seconds, when it stops.
 */
@SettingsSection(value = "tracing", pid = TracingExporter.PID, formats = "endpoint=url")
@Component(configurationPid = TracingExporter.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        immediate = true, service = {})
@Designate(ocd = TracingExporter.Config.class)
public final class TracingExporter {

    static final String PID = "org.openpista.tracing";

    private static final Logger LOG = LoggerFactory.getLogger(TracingExporter.class);

    /** The {@code [tracing]} table. */
    @ObjectClassDefinition(name = "Tracing", description = "OpenTelemetry traces of turns, model requests and tool "
            + "calls.")
    public @interface Config {
        @AttributeDefinition(name = "Endpoint", description = "The OTLP/HTTP endpoint of a collector, e.g. "
                + "http://127.0.0.1:4318 (traces go to /v1/traces, JSON encoded); empty: no tracing.",
                required = false)
        String endpoint() default "";

        @AttributeDefinition(name = "Capture content", description = "Put prompts, answers, tool arguments and "
                + "results into the spans (they may hold secrets and personal data).")
        boolean capture_content() default false;

        @AttributeDefinition(name = "Service name", description = "The service.name of the traces.")
        String service_name() default "openpista";
    }

    private final OtlpSender sender;
    private final ServiceRegistration<TurnObserver> observer;

    @Activate
    public TracingExporter(BundleContext context, Config config) {
        if (config.endpoint().isBlank()) {
            this.sender = null;
            this.observer = null;
            return;
        }
        OtlpSender started;
        try {
            started = new OtlpSender(OtlpSender.tracesUrl(config.endpoint()));
        } catch (IllegalArgumentException e) {
            LOG.error("Tracing is off: [tracing] endpoint = \"{}\" is no URL", config.endpoint());
            this.sender = null;
            this.observer = null;
            return;
        }
        this.sender = started;
        String service = config.service_name().isBlank() ? "openpista" : config.service_name().strip();
        this.observer = context.registerService(TurnObserver.class,
                new TurnTracer(started, config.capture_content(), service), null);
        LOG.info("Traces go to {}{}", OtlpSender.tracesUrl(config.endpoint()),
                config.capture_content() ? " with prompts and results (capture_content)" : "");
    }

    @Deactivate
    void deactivate() {
        if (observer != null) {
            try {
                observer.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle is stopping and the framework unregistered it first
            }
        }
        if (sender != null) {
            sender.close();
        }
    }
}
