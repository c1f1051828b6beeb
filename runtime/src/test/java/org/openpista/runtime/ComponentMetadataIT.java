package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.runtime.DistributionProcess.Result;
import org.openpista.testkit.FakeOpenAiServer;

/**
 * SCR's parsed component descriptors are saved beside the saved bundle cache ({@link
 * SavedComponentMetadata}): the next process reads them instead of parsing every bundle's XML, while
 * a plugin, which each process installs afresh, always has its own descriptors parsed, and a process
 * with a plugin never changes what is saved.
 */
class ComponentMetadataIT {

    /** The JDK's SAX parser: loaded only when SCR parses a component descriptor. */
    static final String SAX_PARSER = "com.sun.org.apache.xerces.internal.jaxp.SAXParserImpl ";

    @TempDir
    Path home;

    @TempDir
    Path work;

    FakeOpenAiServer fake;

    @BeforeEach
    void setUp() throws IOException {
        fake = new FakeOpenAiServer();
        fake.echoFallback();
        Files.createDirectories(home.resolve("plugins"));
    }

    @AfterEach
    void tearDown() {
        fake.close();
    }

    @Test
    void theNextRunReadsTheSavedDescriptorsAndAPluginHasItsOwnParsedEachTime() throws Exception {
        config("provider = \"openai\"\nbase_url = \"" + fake.baseUrl() + "\"\napi_key = \"sk-test\"");
        pinTheBuildsJars();
        Result first = run("first");
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(classes("first")).contains(SAX_PARSER);
        Path saved = saved();
        byte[] store = Files.readAllBytes(saved);

        Result second = run("second");
        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(second.stdout()).contains("second");
        assertThat(classes("second")).as("no descriptor parsed: %s", second).doesNotContain(SAX_PARSER);

        // a provider plugin, then another build of it in its place: each run parses its descriptor
        config("provider = \"echo\"");
        Files.copy(replyPlugin("one"), home.resolve("plugins/reply.jar"));
        Result one = run("plugin");
        assertThat(one.stdout().strip()).as(one.toString()).isEqualTo("one: plugin");
        assertThat(classes("plugin")).contains(SAX_PARSER);
        Files.copy(replyPlugin("two"), home.resolve("plugins/reply.jar"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Result two = run("again");
        assertThat(two.stdout().strip()).as(two.toString()).isEqualTo("two: again");

        assertThat(saved()).as("processes with a plugin save nothing").isEqualTo(saved);
        assertThat(Files.readAllBytes(saved)).isEqualTo(store);
    }

    /**
     * The build's first daemon pins the distribution's jars with hard links, which changes their change
     * time and so the saved cache's key ({@link PinnedJars}): another test class's daemon doing that
     * between two runs here made the second one install afresh and parse (once, in a parallel run of
     * the integration tests). A daemon of a home of its own, started and stopped first, settles it.
     */
    void pinTheBuildsJars() throws Exception {
        Path other = Files.createDirectory(work.resolve("pinning-home"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.copy(home.resolve("config.toml"), other.resolve("config.toml"));
        try {
            Result started = DistributionProcess.run(other, Map.of(), "start");
            assertThat(started.exitCode()).as(started.toString()).isZero();
        } finally {
            DistributionProcess.stopDaemon(other);
        }
    }

    void config(String agent) throws IOException {
        Files.writeString(home.resolve("config.toml"), "[agent]\n" + agent + "\napproval = \"auto\"\n");
    }

    /**
     * {@code run -e PROMPT} with the classes it loads in {@code work/PROMPT.classes}, and its phases on
     * standard error (whether the bundles were installed or restored, should a check fail).
     */
    Result run(String prompt) throws Exception {
        return DistributionProcess.run(home, Map.of("OPENPISTA_JAVA_OPTS", "-Dopenpista.phases -Xlog:class+load:file="
                + work.resolve(prompt + ".classes")), "run", "-e", prompt);
    }

    String classes(String prompt) throws IOException {
        return Files.readString(work.resolve(prompt + ".classes"));
    }

    /** The one store saved in the home. */
    Path saved() throws IOException {
        try (Stream<Path> files = Files.list(home.resolve("cache/framework"))) {
            List<Path> stores = files.filter(path -> path.toString().endsWith(".components")).toList();
            assertThat(stores).hasSize(1);
            return stores.get(0);
        }
    }

    /** A provider "echo" answering its descriptor's {@code reply.prefix}, ": " and the last user message. */
    Path replyPlugin(String prefix) throws Exception {
        return new ProviderPlugin("com.example.reply", "echo", "com.example.reply.ReplyProvider", "repeats the prompt")
                .activatedBy("activate", Map.of("reply.prefix", prefix))
                .pack(work.resolve("reply-" + prefix), Map.of("com/example/reply/ReplyProvider.java", """
                package com.example.reply;

                import java.util.List;
                import java.util.Map;
                import org.openpista.api.chat.ChatMessage;
                import org.openpista.api.chat.Role;
                import org.openpista.api.llm.ChatRequest;
                import org.openpista.api.llm.ChatResponse;
                import org.openpista.api.llm.LlmProvider;
                import org.openpista.api.llm.StreamListener;

                public class ReplyProvider implements LlmProvider {
                    private String prefix = "";

                    public void activate(Map<String, Object> properties) {
                        prefix = String.valueOf(properties.get("reply.prefix"));
                    }

                    public String name() {
                        return "echo";
                    }

                    public String defaultModel() {
                        return "echo-1";
                    }

                    public ChatResponse chat(ChatRequest request, StreamListener listener) {
                        String last = "";
                        for (ChatMessage message : request.messages()) {
                            if (message.role() == Role.USER) {
                                last = message.content();
                            }
                        }
                        return new ChatResponse(prefix + ": " + last, List.of(), null, "stop", "echo-1", null);
                    }
                }
                """));
    }
}
