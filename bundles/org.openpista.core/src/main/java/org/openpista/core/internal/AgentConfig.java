package org.openpista.core.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * The agent's configuration ({@code org.openpista.agent}): {@code [agent]} of config.toml, and the
 * workspace of {@code [skills]}. Read by the agent runtime and the approval policy; the
 * configuration bundle validates the file and writes {@code openpista config example} from it.
 * {@code base_url} and {@code api_key} configure the selected provider, not the agent: the
 * configuration bundle passes them on to the provider's configuration. The tables are declared on
 * {@link AgentRuntime} (a settings capability on an annotation type would make it a meta-annotation).
 */
@ObjectClassDefinition(id = AgentConfig.PID, pid = AgentConfig.PID, name = "Agent",
        description = "The agent loop: which provider and model answer, how many tool rounds a turn may take, "
                + "whether tools need approval.")
@interface AgentConfig {

    /** The agent's configuration PID. */
    String PID = "org.openpista.agent";

    @AttributeDefinition(name = "Provider", description = "The provider that answers: a name an installed bundle declares "
            + "(openpista model list shows them); empty: openai.")
    String provider() default "openai";

    @AttributeDefinition(name = "Model", description = "The model; empty: the provider's default model.")
    String model() default "";

    @AttributeDefinition(name = "Base URL", description = "The provider's API root including /v1, to override its default "
            + "endpoint (a local server, a proxy); empty: the provider's own.")
    String base_url() default "";

    @AttributeDefinition(name = "API key", description = "The provider's API key; environment variables win "
            + "(OPENPISTA_API_KEY, then the provider's own such as OPENAI_API_KEY); empty: the environment or the "
            + "stored login.", type = org.osgi.service.metatype.annotations.AttributeType.PASSWORD)
    String _api_key() default "";

    @AttributeDefinition(name = "Max tool rounds", description = "Tool rounds a turn may take before the agent stops and "
            + "says so.", min = "1", max = "10000")
    int max_tool_rounds() default 30;

    @AttributeDefinition(name = "Approval", description = "May the agent run tools without asking? ask: every call is "
            + "shown to you first; auto: run unasked (remote channels still ask unless their own approval says auto); "
            + "deny: never run tools.", options = {
                @Option(value = "ask", label = "ask"), @Option(value = "auto", label = "auto"),
                @Option(value = "deny", label = "deny")})
    String approval() default "ask";

    @AttributeDefinition(name = "System prompt", description = "Extra instructions appended to the system prompt.")
    String system_prompt() default "";

    @AttributeDefinition(name = "Tool timeout", description = "Seconds one tool call may run at most.", min = "1",
            max = "86400")
    int timeout_secs() default 600;

    @AttributeDefinition(name = "Shutdown grace", description = "Seconds running turns get to finish when the daemon "
            + "stops.", min = "0", max = "3600")
    int shutdown_grace_secs() default 10;

    @AttributeDefinition(name = "Provider wait", description = "Seconds a turn waits for its provider to come back when it "
            + "is missing, as during a bundle update.", min = "0", max = "3600")
    int provider_wait_secs() default 10;

    @AttributeDefinition(name = "Workspace", description = "The agent's workspace folder, where tools and skills work; "
            + "empty: workspace in the openpista home.")
    String workspace() default "";

    @AttributeDefinition(name = "Max attachment size", description = "Megabytes one photo or file sent to the agent "
            + "may have (every channel); larger ones are refused with a message.", min = "1", max = "100")
    int max_attachment_mb() default 10;
}
