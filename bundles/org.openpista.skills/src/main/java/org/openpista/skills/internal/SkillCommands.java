package org.openpista.skills.internal;

import java.util.List;
import org.apache.felix.service.command.Descriptor;
import org.openpista.api.skill.SkillCatalog;
import org.openpista.api.skill.SkillInfo;
import org.openpista.api.skill.SkillStatus;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The Gogo command {@code openpista:skills}: every skill with where it comes from and the isolation it really gets. */
@Component(service = SkillCommands.class, property = {"osgi.command.scope=openpista", "osgi.command.function=skills"})
public final class SkillCommands {

    private final SkillCatalog catalog;

    @Activate
    public SkillCommands(@Reference SkillCatalog catalog) {
        this.catalog = catalog;
    }

    @Descriptor("list the skills: name, mode, origin, the isolation a run gets now, what it shadows")
    public String skills() {
        return table(catalog.status());
    }

    /** @return one line per skill, aligned, then one line per shadowed skill */
    static String table(List<SkillStatus> skills) {
        if (skills.isEmpty()) {
            return "No skills. Put a folder with a SKILL.md into ~/.openpista/skills or the workspace.\n";
        }
        int name = Math.max(4, skills.stream().mapToInt(status -> status.skill().name().length()).max().orElse(4));
        int isolation = Math.max(9, skills.stream().mapToInt(status -> status.isolation().length()).max().orElse(9));
        isolation = Math.min(isolation, 40);
        StringBuilder out = new StringBuilder();
        String format = "%-" + name + "s  %-10s  %-9s  %-" + isolation + "s  %s%n";
        out.append(String.format(format, "NAME", "MODE", "ORIGIN", "ISOLATION", "DESCRIPTION"));
        for (SkillStatus status : skills) {
            SkillInfo skill = status.skill();
            String description = skill.description().length() > 60
                    ? skill.description().substring(0, 57) + "..." : skill.description();
            out.append(String.format(format, skill.name(), skill.mode(), skill.origin(), status.isolation(), description));
            for (SkillInfo hidden : status.shadowed()) {
                out.append(String.format("%-" + name + "s  ! shadows the %s skill %s in %s%n", "", hidden.origin(), hidden.name(),
                        hidden.folder()));
            }
        }
        return out.toString();
    }
}
