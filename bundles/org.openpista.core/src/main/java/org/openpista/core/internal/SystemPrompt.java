package org.openpista.core.internal;

import java.time.LocalDate;
import java.util.List;

/**
 * Builds the system prompt of a turn: openpista's own instructions, the owner's extra
 * instructions from {@code [agent] system_prompt}, and the sections contributed by {@link
 * org.openpista.api.agent.PromptContributor} services (the skills list among them).
 */
final class SystemPrompt {

    private SystemPrompt() {}

    static String build(AgentSettings settings, List<String> contributions, LocalDate today) {
        StringBuilder prompt = new StringBuilder();
        prompt.append("You are openpista, an autonomous AI agent running on your owner's computer.\n")
                .append("You can act on the machine through the tools offered to you; call them when a task needs it, ")
                .append("read their results, and finish with a concise answer in plain text or Markdown.\n")
                .append("Never invent tool output. If a tool fails, say what failed.\n")
                .append("Today is ").append(today).append(". Operating system: ")
                .append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.arch"))
                .append(". Workspace: ").append(settings.workspace()).append('\n');
        if (!settings.systemPrompt().isBlank()) {
            prompt.append('\n').append(settings.systemPrompt().strip()).append('\n');
        }
        for (String section : contributions) {
            if (section != null && !section.isBlank()) {
                prompt.append('\n').append(section.strip()).append('\n');
            }
        }
        return prompt.toString();
    }
}
