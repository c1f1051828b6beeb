package org.openpista.memory.sqlite.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The {@code org.openpista.schema} capabilities in bnd.bnd name exactly the migrations of {@link
 * Schema}: the upgrade bundle trusts them to tell which migrations a database still needs.
 */
class SchemaCapabilityTest {

    private static final Pattern CAPABILITY = Pattern.compile(
            "org\\.openpista\\.schema;schema=database;step:Long=(\\d+);description=\"([^\"]*)\"");

    @Test
    void everyMigrationIsDeclaredWithItsDescription() throws IOException {
        Matcher declared = CAPABILITY.matcher(Files.readString(Path.of("bnd.bnd")));
        List<String> capabilities = new ArrayList<>();
        while (declared.find()) {
            capabilities.add(declared.group(1) + " " + declared.group(2));
        }
        assertThat(capabilities).containsExactlyElementsOf(
                Schema.MIGRATIONS.stream().map(m -> m.version() + " " + m.description()).toList());
    }
}
