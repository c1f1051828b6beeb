package org.openpista.config.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.llm.ProviderPreset;
import org.openpista.api.settings.SettingsSection;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.service.metatype.AttributeDefinition;

/**
 * Reading declarations from bundles as they are installed: capabilities from the manifest, keys
 * from the metatype documents bnd writes (the documents here are copies of its output's shape).
 */
class InstalledCatalogTest {

    @TempDir
    Path tmp;

    /** bnd's document for an {@code @ObjectClassDefinition(id = pid, pid = pid)} with a few keys. */
    static final String AGENT = """
            <?xml version="1.0" encoding="UTF-8"?>
            <metatype:MetaData xmlns:metatype="http://www.osgi.org/xmlns/metatype/v1.2.0" localization="OSGI-INF/l10n/x">
              <OCD id="org.openpista.agent" name="Agent" description="The agent loop.">
                <AD id="provider" type="String" name="Provider" description="The provider that answers." default="openai"/>
                <AD id=".api.key" type="Password" name="API key" description="The key." default=""/>
                <AD id="max.tool.rounds" type="Integer" name="Max tool rounds" description="Rounds." min="1" max="10000" default="30"/>
                <AD id="approval" type="String" name="Approval" description="May it?" default="ask">
                  <Option label="ask" value="ask"/>
                  <Option label="auto" value="auto"/>
                </AD>
                <AD id="workspace" type="String" name="Workspace" description="Where." default=""/>
              </OCD>
              <Designate pid="org.openpista.agent">
                <Object ocdref="org.openpista.agent"/>
              </Designate>
            </metatype:MetaData>
            """;

    static final String CRON = """
            <?xml version="1.0" encoding="UTF-8"?>
            <metatype:MetaData xmlns:metatype="http://www.osgi.org/xmlns/metatype/v1.4.0">
              <OCD id="org.openpista.cron.entry" name="Job" description="One job.">
                <AD id="schedule" type="String" name="Schedule" description="When."/>
                <AD id="target" type="String" name="Target" description="Who." required="false" default=""/>
                <AD id="users" type="Long" cardinality="2147483647" name="Users" description="Ids." required="false" default="1,2"/>
              </OCD>
              <Designate factoryPid="org.openpista.cron.entry">
                <Object ocdref="org.openpista.cron.entry"/>
              </Designate>
            </metatype:MetaData>
            """;

    static final String PROVIDER = """
            <?xml version="1.0" encoding="UTF-8"?>
            <metatype:MetaData xmlns:metatype="http://www.osgi.org/xmlns/metatype/v1.2.0">
              <OCD id="ocd" name="Provider" description="A provider.">
                <AD id="provider.name" type="String" name="Name" description="Its name."/>
                <AD id="preset" type="String" name="Preset" description="Its preset."/>
                <AD id="base.url" type="String" name="Base URL" description="The endpoint." default=""/>
                <AD id="max.retries" type="Integer" name="Retries" description="How often." min="0" max="100" default="3"/>
              </OCD>
              <Designate factoryPid="org.example.echo">
                <Object ocdref="ocd"/>
              </Designate>
            </metatype:MetaData>
            """;

    @Test
    void tablesKeysAndProvidersComeFromCapabilitiesAndMetatype() throws IOException {
        Bundle core = bundle(1, "org.openpista.core", Map.of("OSGI-INF/metatype/agent.xml", AGENT), List.of(
                capability(SettingsSection.NAMESPACE, Map.of("section", "agent", "pid", "org.openpista.agent",
                        "keys", List.of("provider", "api_key", "max_tool_rounds", "approval"), "env", List.of("model=OPENPISTA_MODEL"))),
                capability(SettingsSection.NAMESPACE, Map.of("section", "skills", "pid", "org.openpista.agent",
                        "keys", "workspace", "formats", "workspace=path"))));
        Bundle cron = bundle(2, "org.openpista.cron", Map.of("OSGI-INF/metatype/job.xml", CRON), List.of(
                capability(SettingsSection.NAMESPACE, Map.of("section", "cron", "pid", "org.openpista.cron", "entries", "jobs"))));
        Bundle echo = bundle(3, "org.example.echo", Map.of("OSGI-INF/metatype/p.xml", PROVIDER), List.of(
                capability(ProviderPreset.NAMESPACE, Map.of("name", "Echo", "factory.pid", "org.example.echo", "needs", "nothing",
                        "key.variables", List.of("ECHO_KEY")))));
        Bundle plain = bundle(4, "org.example.plain", Map.of(), List.of());

        Catalog catalog = new InstalledCatalog(context(plain, echo, cron, core)).get();

        assertThat(catalog.sections()).as("bundles in order of their symbolic names").containsExactly("agent", "skills", "cron");
        Declaration agent = catalog.of("agent").get(0);
        assertThat(agent.bundle()).isEqualTo("org.openpista.core");
        assertThat(agent.keys()).containsOnlyKeys("provider", "api_key", "max_tool_rounds", "approval");
        assertThat(agent.env()).containsExactly(Map.entry("model", "OPENPISTA_MODEL"));
        KeySpec rounds = agent.keys().get("max_tool_rounds");
        assertThat(rounds.id()).isEqualTo("max.tool.rounds");
        assertThat(rounds.type()).isEqualTo(AttributeDefinition.INTEGER);
        assertThat(rounds.min()).isEqualTo("1");
        assertThat(rounds.max()).isEqualTo("10000");
        assertThat(rounds.defaults()).containsExactly("30");
        assertThat(agent.keys().get("api_key").secret()).isTrue();
        assertThat(agent.keys().get("api_key").id()).isEqualTo(".api.key");
        assertThat(agent.keys().get("approval").options()).containsExactly("ask", "auto");
        assertThat(catalog.of("skills").get(0).keys()).containsOnlyKeys("workspace");
        assertThat(catalog.of("skills").get(0).keys().get("workspace").format()).isEqualTo(SettingsSection.PATH);

        Declaration jobs = catalog.of("cron").get(0);
        assertThat(jobs.isArray()).isTrue();
        assertThat(jobs.keys().values().stream().filter(KeySpec::required).map(KeySpec::key)).containsExactly("schedule");
        assertThat(jobs.keys().get("users").list()).isTrue();
        assertThat(jobs.keys().get("users").defaults()).containsExactly("1", "2");

        Preset preset = catalog.preset("echo").orElseThrow();
        assertThat(preset.needs()).isEqualTo("nothing");
        assertThat(preset.login()).isEqualTo("echo");
        assertThat(preset.keyVariables()).containsExactly("ECHO_KEY");
        // the configuration bundle sets name and preset itself: they are no [providers.echo] keys
        assertThat(preset.keys()).containsOnlyKeys("base_url", "max_retries");
        assertThat(preset.keys().get("base_url").format()).isEqualTo(SettingsSection.URL);
    }

    @Test
    void aDeclarationWithoutMetatypeAcceptsNoKeysAndBrokenMetatypeSkipsOnlyThatBundle() throws IOException {
        Bundle bare = bundle(1, "org.example.bare", Map.of(), List.of(
                capability(SettingsSection.NAMESPACE, Map.of("section", "channels.bare", "pid", "org.example.bare"))));
        Bundle broken = bundle(2, "org.example.broken", Map.of("OSGI-INF/metatype/x.xml", "<not xml"), List.of(
                capability(SettingsSection.NAMESPACE, Map.of("section", "channels.broken", "pid", "x"))));

        Catalog catalog = new InstalledCatalog(context(bare, broken)).get();

        assertThat(catalog.sections()).containsExactly("channels.bare");
        assertThat(catalog.keys("channels.bare")).isEmpty();
    }

    private Bundle bundle(long id, String name, Map<String, String> entries, List<BundleCapability> capabilities)
            throws IOException {
        Path root = Files.createDirectories(tmp.resolve(name));
        for (Map.Entry<String, String> entry : entries.entrySet()) {
            Path file = root.resolve(entry.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, entry.getValue(), StandardCharsets.UTF_8);
        }
        BundleRevision revision = proxy(BundleRevision.class, (method, args) -> switch (method) {
            case "getDeclaredCapabilities" -> capabilities.stream().filter(c -> c.getNamespace().equals(args[0]))
                    .collect(Collectors.toList());
            default -> null;
        });
        return proxy(Bundle.class, (method, args) -> switch (method) {
            case "getBundleId" -> id;
            case "getSymbolicName" -> name;
            case "getState" -> Bundle.INSTALLED;
            case "adapt" -> args[0] == BundleRevision.class ? revision : null;
            case "getEntryPaths" -> {
                Path folder = root.resolve((String) args[0]);
                yield Files.isDirectory(folder) ? Collections.enumeration(Files.list(folder)
                        .map(path -> args[0] + path.getFileName().toString()).toList()) : null;
            }
            case "getEntry" -> {
                Path file = root.resolve((String) args[0]);
                yield Files.exists(file) ? url(file) : null;
            }
            default -> null;
        });
    }

    private static BundleContext context(Bundle... bundles) {
        return proxy(BundleContext.class, (method, args) -> method.equals("getBundles") ? bundles : null);
    }

    private static BundleCapability capability(String namespace, Map<String, Object> attributes) {
        return proxy(BundleCapability.class, (method, args) -> switch (method) {
            case "getNamespace" -> namespace;
            case "getAttributes" -> attributes;
            default -> null;
        });
    }

    private static URL url(Path file) {
        try {
            return file.toUri().toURL();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A small answer function standing in for an OSGi interface; only what the reader calls is answered. */
    interface Answer {
        Object answer(String method, Object[] args) throws Exception;
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, Answer answer) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (self, method, args) -> answer.answer(method.getName(), args));
    }
}
