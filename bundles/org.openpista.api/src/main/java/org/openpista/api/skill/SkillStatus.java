package org.openpista.api.skill;

import java.util.List;
import java.util.Objects;

/**
 * A skill as it would run now: where it comes from, the isolation it really gets, and the skills
 * of the same name it hides.
 *
 * @param skill the skill
 * @param isolation what a run gets now, for example {@code bubblewrap}, {@code docker}, {@code wasm
 *     (wasmtime)}, {@code host (no isolation)}, or {@code refused: ...} when it would not run
 * @param shadowed skills of the same name found in earlier places (bundled, home) that this one
 *     replaces, empty when none
 * @since 1.1.0
 */
public record SkillStatus(SkillInfo skill, String isolation, List<SkillInfo> shadowed) {

    public SkillStatus {
        Objects.requireNonNull(skill, "skill");
        isolation = isolation == null ? "" : isolation;
        shadowed = shadowed == null ? List.of() : List.copyOf(shadowed);
    }
}
