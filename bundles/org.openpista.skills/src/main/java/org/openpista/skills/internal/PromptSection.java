package org.openpista.skills.internal;

import java.util.List;

/**
 * The skills list in the system prompt: one line per skill with its tool name and description,
 * cut so the whole section stays within a fixed number of characters; what does not fit is
 * counted on a last line.
 */
final class PromptSection {

    /** A description is cut beyond this many characters in the list. */
    static final int MAX_DESCRIPTION = 200;

    private final int maxChars;

    PromptSection(int maxChars) {
        this.maxChars = maxChars;
    }

    String render(List<Skill> skills) {
        if (skills.isEmpty()) {
            return "";
        }
        StringBuilder text = new StringBuilder("## Skills\n"
                + "These skills are tools; call skill.<name> with the arguments its schema describes when a task fits.\n");
        int shown = 0;
        for (Skill skill : skills) {
            String description = skill.description();
            if (description.length() > MAX_DESCRIPTION) {
                description = description.substring(0, MAX_DESCRIPTION - 3) + "...";
            }
            String line = "- " + skill.toolName() + ": " + description + "\n";
            int rest = skills.size() - shown - 1;
            String tail = rest > 0 ? "(" + rest + " more skills not listed; they are still offered as tools)\n" : "";
            if (text.length() + line.length() + (rest > 0 ? tail.length() : 0) > maxChars) {
                break;
            }
            text.append(line);
            shown++;
        }
        if (shown < skills.size()) {
            text.append("(").append(skills.size() - shown).append(" more skills not listed; they are still offered as tools)\n");
        }
        return text.toString();
    }
}
