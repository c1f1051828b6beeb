package org.openpista.provider.openai.internal;

import static org.openpista.api.llm.ProviderPreset.NEEDS_ENDPOINT;
import static org.openpista.api.llm.ProviderPreset.NEEDS_LOGIN;
import static org.openpista.api.llm.ProviderPreset.NEEDS_NOTHING;

import org.openpista.api.auth.CredentialStore;
import org.openpista.api.chat.Attachment;
import org.openpista.api.chat.Cancellation;
import org.openpista.api.llm.LlmProvider;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.llm.ProviderPreset;
import org.openpista.api.llm.SpeechToText;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One configured OpenAI-compatible provider instance (factory PID {@value #PID}, one configuration
 * per selected provider), published by Declarative Services as an {@link LlmProvider} whose {@value
 * LlmProvider#NAME} service property is the configuration's, and equal to {@link #name()}.
 *
 * <p>The presets this bundle brings are declared as {@link ProviderPreset} capabilities, so the
 * configuration bundle knows them without a list of its own. The component activates even when the
 * key or base URL is missing, so status commands can list the provider; without a configured key
 * each request takes the preset's stored login ({@code openpista auth login}), and without one fails
 * with a message saying what to set. The same instance is the provider's {@link SpeechToText}
 * ({@link Transcriber}), which transcribes voice notes.
 */
@ProviderPreset(value = "openai", factoryPid = OpenAiProviderComponent.PID, keyVariables = "OPENAI_API_KEY",
        description = "OpenAI's Chat Completions at https://api.openai.com/v1")
@ProviderPreset(value = "together", factoryPid = OpenAiProviderComponent.PID, keyVariables = "TOGETHER_API_KEY",
        description = "Together AI's Chat Completions at https://api.together.xyz/v1")
@ProviderPreset(value = "ollama", factoryPid = OpenAiProviderComponent.PID, needs = NEEDS_NOTHING,
        description = "A local Ollama's Chat Completions at http://localhost:11434/v1, no key")
@ProviderPreset(value = "openrouter", factoryPid = OpenAiProviderComponent.PID, keyVariables = "OPENROUTER_API_KEY",
        description = "OpenRouter's Chat Completions at https://openrouter.ai/api/v1")
@ProviderPreset(value = "custom", factoryPid = OpenAiProviderComponent.PID, needs = NEEDS_ENDPOINT,
        description = "Any Chat Completions server at base_url (required); a key is optional")
@ProviderPreset(value = "github-copilot", factoryPid = OpenAiProviderComponent.PID, needs = NEEDS_LOGIN,
        description = "GitHub Copilot's Chat Completions with the github-copilot login (device code)")
@ProviderPreset(value = "google", factoryPid = OpenAiProviderComponent.PID, keyVariables = "GOOGLE_API_KEY",
        description = "Google Gemini's OpenAI-compatible Chat Completions")
@ProviderPreset(value = "vercel-ai-gateway", factoryPid = OpenAiProviderComponent.PID, keyVariables = "VERCEL_AI_GATEWAY_API_KEY",
        description = "Vercel AI Gateway's Chat Completions at https://ai-gateway.vercel.sh/v1")
@ProviderPreset(value = "azure-openai", factoryPid = OpenAiProviderComponent.PID, keyVariables = "AZURE_OPENAI_API_KEY",
        description = "Azure OpenAI: Chat Completions of a deployment at the resource endpoint (base_url or login)")
@ProviderPreset(value = "bedrock", factoryPid = OpenAiProviderComponent.PID, keyVariables = "AWS_BEARER_TOKEN_BEDROCK",
        description = "AWS Bedrock's OpenAI-compatible Chat Completions in a region, with a Bedrock API key")
@Component(configurationPid = OpenAiProviderComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {LlmProvider.class, SpeechToText.class}, immediate = true)
@Designate(ocd = OpenAiProviderComponent.Config.class, factory = true)
public final class OpenAiProviderComponent extends ForwardingProvider implements SpeechToText {

    /** The factory PID the configuration bundle creates instances under. */
    public static final String PID = "org.openpista.provider.openai";

    /**
     * {@value LlmProvider#NAME} of a configuration that names none: bnd writes the defaults of
     * {@link Config} into the component description, so the service always has the property.
     */
    static final String DEFAULT_NAME = "openai";

    private static final Logger LOG = LoggerFactory.getLogger(OpenAiProviderComponent.class);

    /**
     * Configuration of one provider instance: the configuration bundle sets {@code provider.name}
     * and {@code preset}; the other keys are those of {@code [providers.<name>]} in {@code
     * config.toml} ({@code [agent]} fills {@code base_url}, {@code api_key} and {@code model} for the
     * provider it selects).
     */
    @ObjectClassDefinition(name = "openpista OpenAI-compatible provider",
            description = "An LLM provider speaking OpenAI Chat Completions: OpenAI, Together, Ollama, OpenRouter, GitHub Copilot,"
                    + " Google Gemini, Vercel AI Gateway, Azure OpenAI, AWS Bedrock or a custom host.")
    public @interface Config {

        @AttributeDefinition(name = "Provider name", description = "The name [agent] provider selects, published as the"
                + " provider.name service property.")
        String provider_name() default DEFAULT_NAME;

        @AttributeDefinition(name = "Preset", description = "Endpoint, default model and key variable: openai, together, ollama,"
                + " openrouter, custom, github-copilot, google, vercel-ai-gateway, azure-openai or bedrock; empty = the provider name.")
        String preset() default "";

        @AttributeDefinition(name = "Base URL", description = "API root including /v1, e.g. http://localhost:8000/v1"
                + " (Azure: https://NAME.openai.azure.com); empty = the preset's or the login's.")
        String base_url() default "";

        @AttributeDefinition(name = "API key", type = AttributeType.PASSWORD,
                description = "The provider's API key; empty = its key variable, else its stored login (not needed for ollama).")
        String _api_key() default "";

        @AttributeDefinition(name = "Model", description = "Model used when a request names none (Azure: the deployment);"
                + " empty = the preset's.")
        String model() default "";

        @AttributeDefinition(name = "API version", description = "Azure OpenAI's api-version query parameter; empty = "
                + Settings.AZURE_API_VERSION + ".")
        String api_version() default "";

        @AttributeDefinition(name = "Region", description = "AWS region of Bedrock, for example us-east-1; empty = the login's.")
        String region() default "";

        @AttributeDefinition(name = "Timeout (s)", min = "1", max = "86400",
                description = "How long to wait for the answer to start, and then for each further piece of it.")
        int timeout_secs() default 120;

        @AttributeDefinition(name = "Max retries", min = "0", max = "100",
                description = "How often a rate limit (429) or server error (5xx) is retried, with backoff or after retry-after.")
        int max_retries() default 3;

        @AttributeDefinition(name = "Stream", description = "Stream answers and forward their text as it arrives.")
        boolean stream() default true;

        @AttributeDefinition(name = "Transcription model", description = "Speech-to-text model voice notes are sent to"
                + " (/audio/transcriptions), for example whisper-1 or gpt-4o-mini-transcribe; empty = the preset's (openai:"
                + " whisper-1; the other presets have none, so voice notes are not transcribed).")
        String transcription_model() default "";
    }

    /** The stored logins, used per request when no key is configured; absent without the auth bundle. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile CredentialStore logins;

    private final OpenAiProvider provider;
    private final Transcriber transcriber;

    /** The provider described by the configuration. */
    @Activate
    public OpenAiProviderComponent(Config config) {
        provider = new OpenAiProvider(Settings.of(config), () -> logins);
        transcriber = new Transcriber(provider, config.transcription_model());
        LOG.debug("Activated {}", provider);
    }

    @Override
    protected LlmProvider delegate() {
        return provider;
    }

    @Override
    public String transcribe(Attachment audio, Cancellation cancellation) throws ProviderException {
        return transcriber.transcribe(audio, cancellation);
    }
}
