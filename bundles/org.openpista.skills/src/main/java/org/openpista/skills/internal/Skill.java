package org.openpista.skills.internal;

import java.nio.file.Path;
import org.openpista.api.skill.SkillInfo;

/**
 * One parsed skill folder.
 *
 * @param name the name from the front matter
 * @param description one paragraph for the model
 * @param mode {@code subprocess}, {@code docker} or {@code wasm}
 * @param image the container image for docker mode, empty for the configured default
 * @param timeoutSecs the time limit of one run
 * @param network whether it may use the network (front matter {@code network: true})
 * @param argumentsSchema the JSON Schema (type object) of the tool's arguments
 * @param instructions the body of SKILL.md
 * @param folder the skill folder
 * @param entry the file that runs: run.sh, main.py or a .wasm module
 * @param origin bundled, home or workspace
 * @param stamp changes whenever SKILL.md or the entry changes
 */
record Skill(
        String name,
        String description,
        String mode,
        String image,
        int timeoutSecs,
        boolean network,
        String argumentsSchema,
        String instructions,
        Path folder,
        Path entry,
        String origin,
        String stamp) {

    /** Tool names are {@code skill.<name>}. */
    static final String TOOL_PREFIX = "skill.";

    String toolName() {
        return TOOL_PREFIX + name;
    }

    SkillInfo info() {
        return new SkillInfo(name, description, mode, toolName(), folder, origin);
    }
}
