package org.openpista.api.skill;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One skill as the catalog sees it.
 *
 * @param name the skill's name from its front matter, for example {@code hello}
 * @param description what the skill does, as the model reads it
 * @param mode where it runs: {@code subprocess}, {@code docker} or {@code wasm}
 * @param toolName the tool it is offered as, {@code skill.<name>}
 * @param folder the skill's folder
 * @param origin where it was found: {@code bundled}, {@code home} or {@code workspace}
 */
public record SkillInfo(String name, String description, String mode, String toolName, Path folder, String origin) {

    public SkillInfo {
        Objects.requireNonNull(name, "name");
        description = description == null ? "" : description;
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(toolName, "toolName");
        Objects.requireNonNull(folder, "folder");
        origin = origin == null ? "" : origin;
    }
}
