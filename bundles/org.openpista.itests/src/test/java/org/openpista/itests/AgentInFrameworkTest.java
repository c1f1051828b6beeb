package org.openpista.itests;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openpista.api.channel.AgentReply;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.config.ConfigurationLoader;
import org.openpista.api.llm.ToolSpec;
import org.openpista.api.tool.Tool;
import org.openpista.api.tool.ToolContext;
import org.openpista.api.tool.ToolResult;
import org.openpista.testkit.FakeAnthropicServer;
import org.openpista.testkit.FakeOpenAiServer;
import org.openpista.testkit.FakeReply;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * The agent inside Felix with the real bundles: configuration from config.toml through
 * Configuration Admin, provider selection, tools coming and going between turns.
 */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class AgentInFrameworkTest {

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 20_000)
    ConfigurationLoader loader;

    FakeOpenAiServer openai;
    FakeAnthropicServer anthropic;
    FrameworkAgent agent;

    @BeforeEach
    void startFakes() {
        openai = new FakeOpenAiServer();
        anthropic = new FakeAnthropicServer();
        agent = new FrameworkAgent(context, loader);
    }

    @AfterEach
    void stopFakes() {
        openai.close();
        anthropic.close();
    }

    @Test
    void theConfiguredProviderAnswersAndSwitchingTheConfigurationSwitchesProvider() throws Exception {
        agent.configure("openai", openai.baseUrl().toString(), "model-a");
        openai.enqueue(FakeReply.text("from openai"));
        assertThat(agent.turn("hi").text()).isEqualTo("from openai");
        assertThat(openai.lastRequest().json().path("model").asText()).isEqualTo("model-a");

        agent.configure("anthropic", anthropic.baseUrl().toString(), "model-b");
        anthropic.enqueue(FakeReply.text("from anthropic"));
        assertThat(agent.turn("hi").text()).isEqualTo("from anthropic");
        assertThat(anthropic.lastRequest().json().path("model").asText()).isEqualTo("model-b");
        assertThat(openai.requests()).hasSize(1);
    }

    @Test
    void reloadingTheConfigurationChangesTheModelOfTheNextTurn() throws Exception {
        agent.configure("openai", openai.baseUrl().toString(), "first-model");
        openai.enqueue(FakeReply.text("one"), FakeReply.text("two"));
        agent.turn("hi");

        agent.configure("openai", openai.baseUrl().toString(), "second-model");
        agent.turn("hi again");

        assertThat(openai.requests()).extracting(r -> r.json().path("model").asText())
                .containsExactly("first-model", "second-model");
    }

    @Test
    void aToolRegisteredWhileRunningIsOfferedAndUsedAndGoneAfterUnregistering() throws Exception {
        agent.configure("openai", openai.baseUrl().toString(), "tool-model");
        List<ToolCall> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
        Tool greeter = new Tool() {
            @Override
            public ToolSpec spec() {
                return new ToolSpec("itest.greet", "Greets someone.",
                        "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}},\"required\":[\"name\"]}");
            }

            @Override
            public ToolResult execute(ToolCall call, ToolContext ctx) {
                calls.add(call);
                return ToolResult.ok("Hello from the framework!");
            }
        };

        openai.enqueue(FakeReply.text("no tool yet"));
        agent.turn("first");
        assertThat(FrameworkAgent.offeredTools(openai.lastRequest())).doesNotContain("itest_greet").contains("system_run");

        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(Tool.NAME, "itest.greet");
        ServiceRegistration<Tool> registration = context.registerService(Tool.class, greeter, properties);
        openai.enqueue(FakeReply.toolCall("itest.greet", "{\"name\":\"Ada\"}"), FakeReply.text("greeted"));
        AgentReply reply = agent.turn("greet Ada");
        assertThat(reply.text()).isEqualTo("greeted");
        assertThat(calls).singleElement().satisfies(call -> {
            assertThat(call.name()).isEqualTo("itest.greet");
            assertThat(call.arguments()).contains("Ada");
        });
        assertThat(openai.lastRequest().body()).contains("Hello from the framework!");

        registration.unregister();
        openai.enqueue(FakeReply.text("tool gone"));
        agent.turn("again");
        assertThat(FrameworkAgent.offeredTools(openai.lastRequest())).doesNotContain("itest_greet").contains("system_run");
    }

    @Test
    void theSystemRunToolRunsARealCommandInsideTheFramework() throws Exception {
        agent.configure("openai", openai.baseUrl().toString(), "shell-model");
        openai.enqueue(FakeReply.toolCall("system.run", "{\"command\":\"echo osgi-$((40+2))\"}"),
                FakeReply.text("done"));

        assertThat(agent.turn("run it").text()).isEqualTo("done");
        assertThat(openai.lastRequest().body()).contains("osgi-42");
    }

    @Test
    void bundlesAreAllActive() {
        for (org.osgi.framework.Bundle bundle : context.getBundles()) {
            if (bundle.getHeaders().get("Fragment-Host") == null) {
                assertThat(bundle.getState()).as(bundle.getSymbolicName()).isEqualTo(org.osgi.framework.Bundle.ACTIVE);
            }
        }
        assertThat(FrameworkUtil.getBundle(getClass())).isNotNull();
    }
}
