package org.openpista.api.skill;

import java.nio.file.Path;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The skills the runtime knows. The catalog watches its folders, so a skill folder added, changed
 * or removed while the runtime runs is seen without a restart; {@link #skills()} looks again
 * before it answers.
 */
@ProviderType
public interface SkillCatalog {

    /** @return the skills available now, sorted by name */
    List<SkillInfo> skills();

    /**
     * Looks at the sandboxes, so it may take a moment (a Docker ping, loading a wasm engine).
     *
     * @return the skills available now, sorted by name, each with the isolation it would run in
     *     and the skills it shadows
     * @since 1.1.0
     */
    List<SkillStatus> status();

    /**
     * Installs a skill from a zip archive into {@code $OPENPISTA_HOME/skills/<name>}. The archive
     * holds one skill: a {@code SKILL.md} at its top or in a single top folder. Entries that would
     * land outside the skill folder (absolute paths, {@code ..}, symbolic links, devices) make the
     * whole archive rejected before anything is written.
     *
     * @param archive the zip file
     * @param replace whether an installed skill of the same name may be replaced
     * @return the installed skill
     * @throws SkillException when the archive is rejected or cannot be installed
     */
    SkillInfo install(Path archive, boolean replace) throws SkillException;

    /**
     * Removes a skill installed in {@code $OPENPISTA_HOME/skills}.
     *
     * @param name the skill's name
     * @throws SkillException when there is no such installed skill or it cannot be removed
     */
    void remove(String name) throws SkillException;
}
