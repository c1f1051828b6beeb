package org.openpista.provider.openai.internal;

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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One configured OpenAI-compatible provider instance (factory PID {@value #PID}, one configuration
 * per {@code [agent] provider}). It registers an {@link LlmProvider} with {@code provider.name} set
 * to the configured {@code name}.
 *
 * <p>The service is registered by hand ({@code service = {}}; {@link ProviderRegistration} says
 * why). The component activates even when the key or base URL is missing, so status commands can
 * list the provider; without a configured key each request takes the preset's stored login ({@code
 * openpista auth login}), and without one fails with a message saying what to set.
 */
@Component(configurationPid = OpenAiProviderComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {}, immediate = true)
@Designate(ocd = OpenAiProviderComponent.Config.class, factory = true)
public final class OpenAiProviderComponent {

    /** The factory PID the configuration bundle creates instances under. */
    public static final String PID = "org.openpista.provider.openai";

    private static final Logger LOG = LoggerFactory.getLogger(OpenAiProviderComponent.class);

    /** Configuration of one provider instance; keys follow {@code [agent]} in {@code config.toml}. */
    @ObjectClassDefinition(name = "openpista OpenAI-compatible provider",
            description = "An LLM provider speaking OpenAI Chat Completions: OpenAI, Together, Ollama, OpenRouter, GitHub Copilot,"
                    + " Google Gemini, Vercel AI Gateway, Azure OpenAI, AWS Bedrock or a custom host.")
    public @interface Config {

        @AttributeDefinition(name = "Name", description = "Instance name, published as provider.name; empty = the preset.")
        String name() default "";

        @AttributeDefinition(name = "Preset", description = "openai, together, ollama, openrouter, custom, github-copilot,"
                + " google, vercel-ai-gateway, azure-openai or bedrock.")
        String preset() default "openai";

        @AttributeDefinition(name = "Base URL",
                description = "API root including /v1, e.g. https://api.openai.com/v1; empty = the preset's.")
        String base_url() default "";

        @AttributeDefinition(name = "API key", type = AttributeType.PASSWORD,
                description = "Secret key; not needed for ollama. Private property .api.key.")
        String _api_key() default "";

        @AttributeDefinition(name = "Model", description = "Model used when a request names none; empty = the preset's.")
        String model() default "";

        @AttributeDefinition(name = "Max retries", description = "How often a 429 or 5xx answer is retried.")
        int max_retries() default 3;

        @AttributeDefinition(name = "Timeout (s)",
                description = "How long to wait for an answer, and between two chunks of a streamed one.")
        int timeout_secs() default 120;

        @AttributeDefinition(name = "Stream", description = "Stream answers as they are generated.")
        boolean stream() default true;

        @AttributeDefinition(name = "API version", description = "Azure OpenAI's api-version; empty = " + Settings.AZURE_API_VERSION + ".")
        String api_version() default "";

        @AttributeDefinition(name = "Region", description = "AWS region of Bedrock, for example us-east-1; empty = the login's.")
        String region() default "";
    }

    /** The stored logins, used per request when no key is configured; absent without the auth bundle. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile CredentialStore logins;

    private final ProviderRegistration registration;

    /** Registers the provider described by the configuration. */
    @Activate
    public OpenAiProviderComponent(BundleContext context, Config config) {
        OpenAiProvider provider = new OpenAiProvider(Settings.of(config), () -> logins);
        registration = ProviderRegistration.register(context, provider, Map.of("provider.model", provider.defaultModel()));
        LOG.debug("Registered {}", provider);
    }

    @Deactivate
    void deactivate() {
        registration.unregister();
    }
}
