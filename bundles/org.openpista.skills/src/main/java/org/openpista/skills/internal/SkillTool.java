package org.openpista.skills.internal;

import org.openpista.api.chat.ToolCall;
import org.openpista.api.llm.ToolSpec;
import org.openpista.api.tool.Tool;
import org.openpista.api.tool.ToolContext;
import org.openpista.api.tool.ToolResult;

/** One skill as a tool {@code skill.<name>}; registered by the catalog while the skill folder exists. */
final class SkillTool implements Tool {

    /** The skill's instructions are cut beyond this in the tool description. */
    static final int MAX_INSTRUCTIONS = 4_000;

    private final Skill skill;
    private final SkillRunner runner;
    private final ToolSpec spec;

    SkillTool(Skill skill, SkillRunner runner) {
        this.skill = skill;
        this.runner = runner;
        String instructions = skill.instructions();
        if (instructions.length() > MAX_INSTRUCTIONS) {
            instructions = instructions.substring(0, MAX_INSTRUCTIONS) + " [...]";
        }
        String description = "Skill " + skill.name() + " (" + skill.mode() + "): " + skill.description()
                + (instructions.isEmpty() ? "" : "\n\n" + instructions);
        this.spec = new ToolSpec(skill.toolName(), description, skill.argumentsSchema());
    }

    Skill skill() {
        return skill;
    }

    @Override
    public ToolSpec spec() {
        return spec;
    }

    @Override
    public ToolResult execute(ToolCall call, ToolContext context) {
        return runner.run(skill, call.arguments(), context);
    }
}
