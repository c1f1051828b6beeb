package org.openpista.provider.anthropic.internal;

import java.util.Map;
import org.openpista.api.auth.CredentialStore;
import org.openpista.api.llm.LlmProvider;
import org.openpista.provider.support.ProviderRegistration;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * One configured Anthropic provider instance ({@code [agent] provider = "anthropic"} or {@code
 * "claude"}), registered as an {@link LlmProvider} whose {@value LlmProvider#NAME} service property
 * is the configuration's {@code name}.
 *
 * <p>The service is registered by hand ({@code service = {}}; {@link ProviderRegistration} says
 * why). A missing API key does not stop the registration: the provider then takes the stored
 * Anthropic login ({@code openpista auth login anthropic}) for each request, and without one
 * answers with a {@code NOT_CONFIGURED} error saying what to set.
 */
@Component(service = {}, immediate = true, configurationPid = AnthropicProviderComponent.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = AnthropicProviderComponent.Config.class, factory = true)
public final class AnthropicProviderComponent {

    /** The factory PID, one configuration per provider instance. */
    static final String PID = "org.openpista.provider.anthropic";

    /** Configuration of one Anthropic provider instance. */
    @ObjectClassDefinition(
            name = "openpista Anthropic provider",
            description = "A language model reached over Anthropic's Messages API.")
    public @interface Config {

        @AttributeDefinition(name = "Name", description = "Instance name, the provider.name service property that [agent] provider selects.")
        String name() default "anthropic";

        @AttributeDefinition(name = "Preset", description = "Endpoint and model defaults: anthropic (claude is a synonym).")
        String preset() default "anthropic";

        @AttributeDefinition(name = "Base URL", description = "API root including /v1; empty means https://api.anthropic.com/v1.")
        String base_url() default "";

        @AttributeDefinition(name = "API key", type = AttributeType.PASSWORD,
                description = "The Anthropic API key (ANTHROPIC_API_KEY or [agent] api_key).")
        String _api_key() default "";

        @AttributeDefinition(name = "Model", description = "Model used when a request names none; empty means " + Settings.DEFAULT_MODEL + ".")
        String model() default "";

        @AttributeDefinition(name = "Retries", description = "How often a rate limit (429) or server error (5xx, 529) is retried with backoff.")
        int max_retries() default Settings.DEFAULT_MAX_RETRIES;

        @AttributeDefinition(name = "Timeout (s)", description = "How long to wait for the answer to start, and then for each further piece of it.")
        int timeout_secs() default Settings.DEFAULT_TIMEOUT_SECS;

        @AttributeDefinition(name = "Stream", description = "Ask for a server-sent event stream and forward text as it arrives.")
        boolean stream() default true;

        @AttributeDefinition(name = "Max tokens", description = "Answer bound sent when a request gives none; the Messages API requires one.")
        int max_tokens() default Settings.DEFAULT_MAX_TOKENS;
    }

    /** The stored logins, used per request when no key is configured; absent without the auth bundle. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile CredentialStore logins;

    private final ProviderRegistration registration;

    @Activate
    public AnthropicProviderComponent(BundleContext context, Config config) {
        AnthropicProvider provider = new AnthropicProvider(Settings.from(config), () -> logins);
        registration = ProviderRegistration.register(context, provider, Map.of("provider.model", provider.defaultModel()));
    }

    @Deactivate
    void deactivate() {
        registration.unregister();
    }
}
