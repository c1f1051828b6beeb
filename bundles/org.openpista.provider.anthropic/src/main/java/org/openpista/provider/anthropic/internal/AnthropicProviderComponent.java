package org.openpista.provider.anthropic.internal;

import org.openpista.api.auth.CredentialStore;
import org.openpista.api.llm.LlmProvider;
import org.openpista.api.llm.ProviderPreset;
import org.openpista.provider.support.ForwardingProvider;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
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
 * "claude"}), published by Declarative Services as an {@link LlmProvider} whose {@value
 * LlmProvider#NAME} service property is the configuration's, and equal to {@link #name()}.
 *
 * <p>A missing API key does not stop the registration: the provider then takes the stored
 * Anthropic login ({@code openpista auth login anthropic}) for each request, and without one
 * answers with a {@code NOT_CONFIGURED} error saying what to set.
 */
@ProviderPreset(value = "anthropic", factoryPid = AnthropicProviderComponent.PID, keyVariables = "ANTHROPIC_API_KEY",
        login = "anthropic", description = "Anthropic's Messages API at https://api.anthropic.com/v1")
@ProviderPreset(value = "claude", factoryPid = AnthropicProviderComponent.PID, keyVariables = "ANTHROPIC_API_KEY",
        login = "anthropic", description = "Anthropic's Messages API, as anthropic")
@Component(service = LlmProvider.class, immediate = true, configurationPid = AnthropicProviderComponent.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = AnthropicProviderComponent.Config.class, factory = true)
public final class AnthropicProviderComponent extends ForwardingProvider {

    /** The factory PID, one configuration per provider instance. */
    static final String PID = "org.openpista.provider.anthropic";

    /**
     * Configuration of one Anthropic provider instance: the configuration bundle sets {@code
     * provider.name} and {@code preset}; the other keys are those of {@code [providers.<name>]} in
     * {@code config.toml} ({@code [agent]} fills {@code base_url}, {@code api_key} and {@code model}
     * for the provider it selects). bnd writes the defaults into the component description, so the
     * service always has a {@code provider.name}.
     */
    @ObjectClassDefinition(
            name = "openpista Anthropic provider",
            description = "A language model reached over Anthropic's Messages API.")
    public @interface Config {

        @AttributeDefinition(name = "Provider name", description = "The name [agent] provider selects, published as the"
                + " provider.name service property.")
        String provider_name() default "anthropic";

        @AttributeDefinition(name = "Preset", description = "Endpoint and model defaults: anthropic (claude is a synonym).")
        String preset() default "anthropic";

        @AttributeDefinition(name = "Base URL", description = "API root including /v1; empty = " + Settings.DEFAULT_API_ROOT + ".")
        String base_url() default "";

        @AttributeDefinition(name = "API key", type = AttributeType.PASSWORD,
                description = "The Anthropic API key; empty = ANTHROPIC_API_KEY, else the stored anthropic login.")
        String _api_key() default "";

        @AttributeDefinition(name = "Model", description = "Model used when a request names none; empty = " + Settings.DEFAULT_MODEL + ".")
        String model() default "";

        @AttributeDefinition(name = "Timeout (s)", min = "1", max = "86400",
                description = "How long to wait for the answer to start, and then for each further piece of it.")
        int timeout_secs() default Settings.DEFAULT_TIMEOUT_SECS;

        @AttributeDefinition(name = "Max retries", min = "0", max = "100",
                description = "How often a rate limit (429) or server error (5xx, 529) is retried, with backoff or after retry-after.")
        int max_retries() default Settings.DEFAULT_MAX_RETRIES;

        @AttributeDefinition(name = "Stream", description = "Ask for a server-sent event stream and forward text as it arrives.")
        boolean stream() default true;

        @AttributeDefinition(name = "Max tokens", min = "1",
                description = "Answer bound sent when a request gives none; the Messages API requires one.")
        int max_tokens() default Settings.DEFAULT_MAX_TOKENS;
    }

    /** The stored logins, used per request when no key is configured; absent without the auth bundle. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile CredentialStore logins;

    private final AnthropicProvider provider;

    @Activate
    public AnthropicProviderComponent(Config config) {
        provider = new AnthropicProvider(Settings.from(config), () -> logins);
    }

    @Override
    protected LlmProvider delegate() {
        return provider;
    }
}
