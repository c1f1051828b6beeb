package org.openpista.core.internal;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The agent's configuration as one immutable value, swapped atomically on reconfiguration so a
 * running turn keeps the settings it started with.
 *
 * @param provider the provider instance to use ({@code provider.name})
 * @param model the model, empty for the provider's default
 * @param maxToolRounds how many model requests with tool calls a turn may make before it stops
 * @param systemPrompt extra instructions appended to the built-in system prompt
 * @param workspace the agent's workspace folder
 * @param toolTimeout how long one tool call may run at most
 * @param providerWait how long a turn waits for a missing provider to (re)appear
 */
record AgentSettings(
        String provider,
        String model,
        int maxToolRounds,
        String systemPrompt,
        Path workspace,
        Duration toolTimeout,
        Duration providerWait) {}
