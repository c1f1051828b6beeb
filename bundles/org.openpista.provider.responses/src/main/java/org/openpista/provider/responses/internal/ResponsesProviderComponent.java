package org.openpista.provider.responses.internal;

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
 * One configured Responses API provider instance ({@code [agent] provider = "responses"}),
 * published by Declarative Services as an {@link LlmProvider} whose {@value LlmProvider#NAME}
 * service property is the configuration's, and equal to {@link #name()}.
 *
 * <p>Without a configured key it uses the stored OpenAI login through the {@link CredentialStore}
 * service, looked up per request, so a login made or refreshed while the daemon runs is used from
 * the next request on.
 */
@ProviderPreset(value = "responses", factoryPid = ResponsesProviderComponent.PID, keyVariables = "OPENAI_API_KEY",
        login = ResponsesProvider.LOGIN,
        description = "OpenAI's Responses API, with an API key or a ChatGPT login (openpista auth login openai)")
@Component(service = LlmProvider.class, immediate = true, configurationPid = ResponsesProviderComponent.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = ResponsesProviderComponent.Config.class, factory = true)
public final class ResponsesProviderComponent extends ForwardingProvider {

    /** The factory PID, one configuration per provider instance. */
    static final String PID = "org.openpista.provider.responses";

    /**
     * Configuration of one instance: the configuration bundle sets {@code provider.name} and {@code
     * preset}; the other keys are those of {@code [providers.<name>]} in {@code config.toml} ({@code
     * [agent]} fills {@code base_url}, {@code api_key} and {@code model} for the provider it
     * selects). bnd writes the defaults into the component description, so the service always has
     * a {@code provider.name}.
     */
    @ObjectClassDefinition(name = "openpista Responses API provider",
            description = "A language model reached over OpenAI's Responses API, with an API key or a ChatGPT login.")
    public @interface Config {

        @AttributeDefinition(name = "Provider name", description = "The name [agent] provider selects, published as the"
                + " provider.name service property.")
        String provider_name() default "responses";

        @AttributeDefinition(name = "Preset", description = "responses.")
        String preset() default "responses";

        @AttributeDefinition(name = "Base URL", description = "API root including /v1; empty = the login's endpoint, else "
                + Settings.DEFAULT_BASE_URL + ".")
        String base_url() default "";

        @AttributeDefinition(name = "API key", type = AttributeType.PASSWORD,
                description = "An OpenAI API key; empty = OPENAI_API_KEY, else the stored openai login.")
        String _api_key() default "";

        @AttributeDefinition(name = "Model", description = "Model used when a request names none; empty = " + Settings.DEFAULT_MODEL + ".")
        String model() default "";

        @AttributeDefinition(name = "Timeout (s)", min = "1", max = "86400",
                description = "How long to wait for the answer to start, and then for each further piece of it.")
        int timeout_secs() default 120;

        @AttributeDefinition(name = "Max retries", min = "0", max = "100",
                description = "How often a rate limit (429) or server error (5xx) is retried, with backoff or after retry-after.")
        int max_retries() default 3;

        @AttributeDefinition(name = "Stream", description = "Ask for a server-sent event stream (a ChatGPT login requires it).")
        boolean stream() default true;

        @AttributeDefinition(name = "Reasoning effort", description = "minimal, low, medium or high for reasoning models;"
                + " empty = the model's default.")
        String reasoning_effort() default "";
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile CredentialStore credentials;

    private final ResponsesProvider provider;

    @Activate
    public ResponsesProviderComponent(Config config) {
        provider = new ResponsesProvider(Settings.of(config), () -> credentials);
    }

    @Override
    protected LlmProvider delegate() {
        return provider;
    }
}
