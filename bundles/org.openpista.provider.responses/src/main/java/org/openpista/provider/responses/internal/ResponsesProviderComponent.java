package org.openpista.provider.responses.internal;

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
 * One configured Responses API provider instance ({@code [agent] provider = "responses"}), registered
 * as an {@link LlmProvider} whose {@value LlmProvider#NAME} service property is the configuration's
 * {@code name}. Registered by hand ({@code service = {}}; {@link ProviderRegistration} says why).
 *
 * <p>Without a configured key it uses the stored OpenAI login through the {@link CredentialStore}
 * service, looked up per request, so a login made or refreshed while the daemon runs is used from
 * the next request on.
 */
@Component(service = {}, immediate = true, configurationPid = ResponsesProviderComponent.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = ResponsesProviderComponent.Config.class, factory = true)
public final class ResponsesProviderComponent {

    /** The factory PID, one configuration per provider instance. */
    static final String PID = "org.openpista.provider.responses";

    /** Configuration of one instance; keys follow {@code [agent]} in {@code config.toml}. */
    @ObjectClassDefinition(name = "openpista Responses API provider",
            description = "A language model reached over OpenAI's Responses API, with an API key or a ChatGPT login.")
    public @interface Config {

        @AttributeDefinition(name = "Name", description = "Instance name, published as provider.name.")
        String name() default "responses";

        @AttributeDefinition(name = "Preset", description = "responses.")
        String preset() default "responses";

        @AttributeDefinition(name = "Base URL", description = "API root including /v1; empty = the login's endpoint, else "
                + Settings.DEFAULT_BASE_URL + ".")
        String base_url() default "";

        @AttributeDefinition(name = "API key", type = AttributeType.PASSWORD,
                description = "OPENAI_API_KEY or [agent] api_key; empty = the stored OpenAI login.")
        String _api_key() default "";

        @AttributeDefinition(name = "Model", description = "Model used when a request names none; empty = " + Settings.DEFAULT_MODEL + ".")
        String model() default "";

        @AttributeDefinition(name = "Retries", description = "How often a 429 or 5xx answer is retried.")
        int max_retries() default 3;

        @AttributeDefinition(name = "Timeout (s)", description = "How long to wait for the answer to start, and then for each piece.")
        int timeout_secs() default 120;

        @AttributeDefinition(name = "Stream", description = "Ask for a server-sent event stream (a ChatGPT login requires it).")
        boolean stream() default true;

        @AttributeDefinition(name = "Reasoning effort", description = "minimal, low, medium or high for reasoning models; empty = the model's default.")
        String reasoning_effort() default "";
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile CredentialStore credentials;

    private final ProviderRegistration registration;

    @Activate
    public ResponsesProviderComponent(BundleContext context, Config config) {
        ResponsesProvider provider = new ResponsesProvider(Settings.of(config), () -> credentials);
        registration = ProviderRegistration.register(context, provider, Map.of("provider.model", provider.defaultModel()));
    }

    @Deactivate
    void deactivate() {
        registration.unregister();
    }
}
