package org.openpista.itests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openpista.api.config.ConfigurationLoader;
import org.openpista.api.llm.ToolSpec;
import org.openpista.api.tool.Tool;
import org.openpista.testkit.FakeOpenAiServer;
import org.openpista.testkit.FakeReply;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * Tools cost nothing until they are used: with the desktop feature's tools installed (browser,
 * notifications, clipboard, screen), a turn offers every tool to the model, but only the components
 * of tools without published specs are activated; a published tool's component is activated by its
 * first call. And what each tool publishes is what it says of itself once active.
 */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class LazyToolsInFrameworkTest {

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 20_000)
    ConfigurationLoader loader;

    @InjectService(timeout = 20_000)
    ServiceComponentRuntime scr;

    FakeOpenAiServer openai;
    FrameworkAgent agent;

    @BeforeEach
    void start() throws Exception {
        openai = new FakeOpenAiServer();
        agent = new FrameworkAgent(context, loader);
        agent.configure("openai", openai.baseUrl().toString(), "lazy-model");
    }

    @AfterEach
    void stop() {
        openai.close();
    }

    /** @return the state of a component of a bundle by its class's simple name: ACTIVE, SATISFIED … */
    String state(String bundle, String component) {
        for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs(bundle(bundle))) {
            if (description.name.endsWith("." + component)) {
                List<String> states = new ArrayList<>();
                for (ComponentConfigurationDTO configuration : scr.getComponentConfigurationDTOs(description)) {
                    states.add(switch (configuration.state) {
                        case ComponentConfigurationDTO.ACTIVE -> "ACTIVE";
                        case ComponentConfigurationDTO.SATISFIED -> "SATISFIED";
                        case ComponentConfigurationDTO.UNSATISFIED_REFERENCE -> "UNSATISFIED_REFERENCE";
                        default -> "state " + configuration.state;
                    });
                }
                return String.join(",", states);
            }
        }
        throw new AssertionError("no component " + component + " in " + bundle);
    }

    Bundle bundle(String symbolicName) {
        for (Bundle bundle : context.getBundles()) {
            if (bundle.getSymbolicName().equals(symbolicName)) {
                return bundle;
            }
        }
        throw new AssertionError("no bundle " + symbolicName);
    }

    @Test
    void publishedToolsAreOfferedInactiveActivatedByTheirFirstCallAndPublishWhatTheySay() throws Exception {
        openai.enqueue(FakeReply.text("nothing to do"));
        agent.turn("hi");

        assertThat(FrameworkAgent.offeredTools(openai.lastRequest())).contains("browser_navigate", "browser_snapshot", "system_notify",
                "system_clipboard", "screen_capture", "screen_ocr", "system_run");
        assertThat(state("org.openpista.tool.browser", "NavigateTool")).isEqualTo("SATISFIED");
        assertThat(state("org.openpista.tool.browser", "BrowserService")).as("only its tools use it").isEqualTo("SATISFIED");
        assertThat(state("org.openpista.tool.desktop", "NotifyTool")).isEqualTo("SATISFIED");
        assertThat(state("org.openpista.tool.screen", "ScreenCaptureTool")).isEqualTo("SATISFIED");
        assertThat(state("org.openpista.tool.screen", "ScreenOcrTool")).as("its spec names the configured languages")
                .isEqualTo("ACTIVE");
        assertThat(state("org.openpista.tool.system", "SystemRunTool")).as("its spec names configured limits")
                .isEqualTo("ACTIVE");

        // bad arguments: the call reaches the tool, which refuses it without touching the desktop
        openai.enqueue(FakeReply.toolCall("system.notify", "{}"), FakeReply.text("told"));
        assertThat(agent.turn("notify").text()).isEqualTo("told");
        assertThat(openai.lastRequest().body()).contains("invalid arguments");
        assertThat(state("org.openpista.tool.desktop", "NotifyTool")).isEqualTo("ACTIVE");
        assertThat(state("org.openpista.tool.desktop", "ClipboardTool")).isEqualTo("SATISFIED");
        assertThat(state("org.openpista.tool.browser", "NavigateTool")).isEqualTo("SATISFIED");

        // what every tool publishes is its own spec (this activates them all)
        ObjectMapper json = new ObjectMapper();
        int published = 0;
        for (ServiceReference<Tool> reference : context.getServiceReferences(Tool.class, null)) {
            Object description = reference.getProperty(Tool.DESCRIPTION);
            if (description == null) {
                continue;
            }
            Tool tool = context.getService(reference);
            try {
                ToolSpec spec = tool.spec();
                assertThat(Map.of("name", reference.getProperty(Tool.NAME), "description", description,
                        "parameters", reference.getProperty(Tool.PARAMETERS)))
                        .as("published by %s", reference.getBundle().getSymbolicName())
                        .isEqualTo(Map.of("name", spec.name(), "description", spec.description(),
                                "parameters", spec.parametersSchema()));
                assertThat(json.readTree(spec.parametersSchema()).path("type").asText()).isEqualTo("object");
                published++;
            } finally {
                context.ungetService(reference);
            }
        }
        assertThat(published).as("browser (11), notify, clipboard, screen.capture").isEqualTo(14);
    }
}
