package org.openpista.upgrade.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a home holds compared with what this distribution brings: the facts {@code openpista upgrade
 * --check} prints and the guard decides on.
 *
 * @param files the home's files
 * @param distribution this distribution's version
 * @param lastDistribution the version that used the home last, if one noted it
 * @param databaseSchema the database's schema version; empty when there is no database yet
 * @param steps the database migrations the installed bundles bring
 * @param configSchema {@code [upgrade] config_schema} of the file (1 when absent)
 * @param configSchemaKnown the configuration schema this version reads and writes
 */
record HomeState(HomeFiles files, String distribution, Optional<String> lastDistribution, OptionalInt databaseSchema,
        List<SchemaStep> steps, int configSchema, int configSchemaKnown) {

    /** @return the newest database schema this distribution knows */
    int latestDatabaseSchema() {
        return SchemaStep.latest(steps);
    }

    /** @return whether the database will be migrated when the memory bundle starts */
    boolean databaseBehind() {
        return databaseSchema.isPresent() && databaseSchema.getAsInt() < latestDatabaseSchema();
    }

    /** @return whether the database was written by a newer openpista, which this one refuses */
    boolean databaseAhead() {
        return databaseSchema.isPresent() && databaseSchema.getAsInt() > latestDatabaseSchema();
    }

    /** @return whether another version used the home last */
    boolean distributionChanged() {
        return lastDistribution.isPresent() && !lastDistribution.get().equals(distribution);
    }

    /** @return whether config.toml comes from a newer openpista */
    boolean configAhead() {
        return configSchema > configSchemaKnown;
    }

    /** @return the migrations the database still needs, in order */
    List<SchemaStep> pendingMigrations() {
        if (databaseSchema.isEmpty()) {
            return List.of();
        }
        int from = databaseSchema.getAsInt();
        return steps.stream().filter(step -> step.version() > from).toList();
    }

    /** @return whether anything would change */
    boolean upgradeNeeded() {
        return databaseBehind() || distributionChanged() || configSchema < configSchemaKnown;
    }

    /** @return one line: what changes */
    String summary() {
        List<String> parts = new ArrayList<>();
        parts.add("openpista " + lastDistribution.orElse("(earlier version)") + " → " + distribution);
        if (databaseSchema.isPresent()) {
            parts.add("database schema " + databaseSchema.getAsInt() + " → " + Math.max(databaseSchema.getAsInt(), latestDatabaseSchema()));
        }
        parts.add("config schema " + configSchema + " → " + Math.max(configSchema, configSchemaKnown));
        return String.join(", ", parts);
    }

    /** @return the report of {@code openpista upgrade --check}, one line each */
    List<String> report(List<String> configWarnings) {
        List<String> lines = new ArrayList<>();
        lines.add("distribution: " + lastDistribution.map(last -> last.equals(distribution)
                ? distribution + " (unchanged)" : last + " → " + distribution)
                .orElse("→ " + distribution + " (this home has no record of the version that used it last)"));
        if (databaseSchema.isEmpty()) {
            lines.add("database " + files.database() + ": none yet (created at schema " + latestDatabaseSchema()
                    + " when first used)");
        } else if (databaseAhead()) {
            lines.add("database " + files.database() + ": schema " + databaseSchema.getAsInt()
                    + " was written by a newer openpista (this one knows " + latestDatabaseSchema()
                    + "); this version refuses to open it");
        } else if (pendingMigrations().isEmpty()) {
            lines.add("database " + files.database() + ": schema " + databaseSchema.getAsInt() + " (current)");
        } else {
            lines.add("database " + files.database() + ": schema " + databaseSchema.getAsInt() + " → "
                    + latestDatabaseSchema() + ", pending migrations:");
            pendingMigrations().forEach(step -> lines.add("  " + step.version() + "  " + step.description()));
        }
        if (configAhead()) {
            lines.add("config " + files.config() + ": schema " + configSchema + " was written by a newer openpista "
                    + "(this one knows " + configSchemaKnown + ")");
        } else {
            lines.add("config " + files.config() + ": schema " + configSchema
                    + (configSchema == configSchemaKnown ? " (current); no keys are renamed" : " → " + configSchemaKnown));
        }
        if (configWarnings.isEmpty()) {
            lines.add("config keys: every key is read by this version");
        } else {
            lines.add("config keys this version does not read (deprecated, renamed or misspelt):");
            configWarnings.forEach(warning -> lines.add("  " + warning));
        }
        return lines;
    }
}
