package org.openpista.config.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.config.ConfigException;

class ConfigAdminSinkTest {

    @TempDir
    Path tmp;

    final InMemoryConfigAdmin admin = new InMemoryConfigAdmin();
    final ConfigAdminSink sink = new ConfigAdminSink(admin);

    Path file;
    ConfigLoader loader;

    @BeforeEach
    void setUp() {
        file = tmp.resolve("config.toml");
        loader = new ConfigLoader(new Locations(tmp, file, tmp), new HashMap<String, String>()::get, TestCatalog::standard, sink);
    }

    @Test
    void createsConfigurationsForAnyBundleWithTheMarker() throws IOException {
        sink.apply(Map.of(
                "org.openpista.agent", Map.of("provider", "openai"),
                "org.openpista.provider.openai~openai", Map.of("name", "openai", ".api.key", "k")));

        InMemoryConfigAdmin.Config agent = admin.configurations.get("org.openpista.agent");
        assertThat(agent.getFactoryPid()).isNull();
        assertThat(agent.getBundleLocation()).isEqualTo("?");
        assertThat(admin.properties("org.openpista.agent")).containsExactlyInAnyOrderEntriesOf(Map.of(
                "provider", "openai", ConfigAdminSink.ORIGIN, ConfigAdminSink.ORIGIN_VALUE));

        InMemoryConfigAdmin.Config provider = admin.configurations.get("org.openpista.provider.openai~openai");
        assertThat(provider.getFactoryPid()).isEqualTo("org.openpista.provider.openai");
        assertThat(provider.getBundleLocation()).isEqualTo("?");
        assertThat(admin.properties("org.openpista.provider.openai~openai")).containsEntry("name", "openai")
                .containsEntry(".api.key", "k");
    }

    @Test
    void unchangedConfigurationsAreNotUpdatedAgain() throws IOException {
        Map<String, Map<String, Object>> wanted = Map.of("org.openpista.channel.web",
                Map.of("port", 3210, "cors.origins", new String[] {"https://a"}));
        sink.apply(wanted);
        sink.apply(Map.of("org.openpista.channel.web", Map.of("port", 3210, "cors.origins", new String[] {"https://a"})));

        assertThat(admin.configurations.get("org.openpista.channel.web").getChangeCount()).isEqualTo(1);

        sink.apply(Map.of("org.openpista.channel.web", Map.of("port", 3211, "cors.origins", new String[] {"https://a"})));
        assertThat(admin.configurations.get("org.openpista.channel.web").getChangeCount()).isEqualTo(2);
    }

    @Test
    void deletesOwnConfigurationsNoLongerWantedAndLeavesOthersAlone() throws IOException {
        admin.getConfiguration("org.example.foreign", null).update(new Hashtable<>(Map.of("x", 1)));
        sink.apply(Map.of(
                "org.openpista.agent", Map.of("provider", "openai"),
                "org.openpista.provider.openai~openai", Map.of("name", "openai"),
                "org.openpista.channel.web", Map.of("port", 1)));

        sink.apply(Map.of(
                "org.openpista.agent", Map.of("provider", "claude"),
                "org.openpista.provider.anthropic~claude", Map.of("name", "claude")));

        assertThat(admin.configurations).containsOnlyKeys("org.example.foreign", "org.openpista.agent",
                "org.openpista.provider.anthropic~claude");
    }

    @Test
    void switchingProviderInTheFileDeletesTheOldProviderConfiguration() throws Exception {
        Files.writeString(file, "[agent]\nprovider = \"openrouter\"\n[channels.telegram]\nenabled = true\n");
        loader.load();
        assertThat(admin.configurations).containsKeys("org.openpista.provider.openai~openrouter",
                "org.openpista.channel.telegram");

        Files.writeString(file, "[agent]\nprovider = \"anthropic\"\n");
        loader.load();

        assertThat(providers()).containsExactly("org.openpista.provider.anthropic~anthropic");
        assertThat(admin.configurations).doesNotContainKey("org.openpista.channel.telegram");
        assertThat(admin.properties("org.openpista.agent")).containsEntry("provider", "anthropic");
    }

    @Test
    void aBrokenFileChangesNothing() throws Exception {
        Files.writeString(file, "[agent]\nprovider = \"ollama\"\nmodel = \"llama3\"\n[channels.web]\nport = 3210\n");
        loader.load();
        Map<String, Long> counts = changeCounts();

        Files.writeString(file, "[agent]\nprovider = \"anthropic\"\nmodel = \"x\"\n[channels.web]\nport = 3210\napproval = \"maybe\"\n");
        assertThatThrownBy(loader::load).isInstanceOf(ConfigException.class).hasMessageContaining(":6: channels.web.approval:");

        assertThat(changeCounts()).isEqualTo(counts);
        assertThat(providers()).containsExactly("org.openpista.provider.openai~ollama");
        assertThat(admin.properties("org.openpista.agent")).containsEntry("model", "llama3");
    }

    @Test
    void reloadingAnUnchangedFileUpdatesNothing() throws Exception {
        Files.writeString(file, ConfigLoaderTest.ORIGINAL);
        loader.load();
        Map<String, Long> counts = changeCounts();
        assertThat(counts.values()).containsOnly(1L);

        loader.load();

        assertThat(changeCounts()).isEqualTo(counts);
    }

    private Map<String, Long> changeCounts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        admin.configurations.forEach((pid, config) -> counts.put(pid, config.getChangeCount()));
        return counts;
    }

    private java.util.List<String> providers() {
        return admin.configurations.keySet().stream().filter(pid -> pid.startsWith("org.openpista.provider."))
                .collect(Collectors.toList());
    }
}
