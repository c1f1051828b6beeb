package org.openpista.itests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openpista.api.channel.AgentGateway;
import org.openpista.api.channel.AgentReply;
import org.openpista.api.channel.InboundMessage;
import org.openpista.api.channel.ReplySink;
import org.openpista.api.config.ConfigurationLoader;
import org.openpista.api.llm.LlmProvider;
import org.openpista.testkit.RecordedRequest;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The agent of the framework the tests run in, as a test drives it: its config.toml written and
 * loaded, its services awaited (Configuration Admin and DS deliver asynchronously), turns on the cli
 * channel, each in a session of its own.
 */
final class FrameworkAgent {

    static final Duration WAIT = Duration.ofSeconds(20);

    private final BundleContext context;
    private final ConfigurationLoader loader;
    private int turns;

    FrameworkAgent(BundleContext context, ConfigurationLoader loader) {
        this.context = context;
        this.loader = loader;
    }

    /** Configures the agent for a provider at a base URL and waits until it runs with that model. */
    void configure(String provider, String baseUrl, String model) throws Exception {
        Path home = Path.of(context.getProperty(ConfigurationLoader.HOME_PROPERTY));
        Files.createDirectories(home);
        Files.writeString(home.resolve("config.toml"), """
                [agent]
                provider = "%s"
                model = "%s"
                base_url = "%s"
                api_key = "sk-itest"
                approval = "auto"
                """.formatted(provider, model, baseUrl));
        loader.load();
        // the provider of an earlier configuration, with its closed base_url, may have the same name but
        // not the model; DS publishes the configuration's public properties, model among them
        await(LlmProvider.class, "(&(provider.name=" + provider + ")(model=" + model + "))");
        await(AgentGateway.class, "(&(provider=" + provider + ")(model=" + model + "))");
    }

    /** @return a service of the type matching the filter ("" for any), waited for up to {@link #WAIT} */
    <S> S await(Class<S> type, String filter) throws Exception {
        ServiceTracker<S, S> tracker = new ServiceTracker<>(context,
                FrameworkUtil.createFilter("(&(objectClass=" + type.getName() + ")" + filter + ")"), null);
        tracker.open();
        try {
            S service = tracker.waitForService(WAIT.toMillis());
            assertThat(service).as("service %s %s", type.getSimpleName(), filter).isNotNull();
            return service;
        } finally {
            tracker.close();
        }
    }

    /** @return the agent's reply to a text on the cli channel, in a new session */
    AgentReply turn(String text) throws Exception {
        AgentGateway gateway = await(AgentGateway.class, "");
        String session = "itest-" + (++turns) + "-" + System.nanoTime();
        return gateway.submit(InboundMessage.text("cli", "cli:" + session, session, text), new ReplySink() {
            @Override
            public void reply(AgentReply reply) {}
        }).completion().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /** @return the names of the tools offered to the model in a request (OpenAI's wire names) */
    static List<String> offeredTools(RecordedRequest request) {
        List<String> names = new ArrayList<>();
        request.json().path("tools").forEach(tool -> names.add(tool.path("function").path("name").asText()));
        return names;
    }
}
