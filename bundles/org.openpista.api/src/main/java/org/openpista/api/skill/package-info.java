/**
 * Skills: folders with a {@code SKILL.md} and an entry ({@code run.sh}, {@code main.py} or a
 * WebAssembly module) that the agent offers to the model as tools named {@code skill.<name>}. The
 * runtime finds them in the bundled skills, {@code $OPENPISTA_HOME/skills} and the workspace;
 * {@link org.openpista.api.skill.SkillCatalog} lists and installs them.
 */
@Export
@Version("1.1.0")
package org.openpista.api.skill;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
