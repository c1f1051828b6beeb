package org.openpista.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.approval.ApprovalDecision;
import org.openpista.api.channel.AgentReply;
import org.openpista.api.channel.InboundMessage;
import org.openpista.api.channel.TurnHandle;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.chat.Role;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.tool.Tool;
import org.openpista.api.tool.ToolContext;
import org.openpista.api.tool.ToolResult;
import org.openpista.memory.sqlite.internal.SqliteConversationStore;

class AgentRuntimeTest {

    @TempDir
    Path home;

    SqliteConversationStore store;
    final ToolRegistryImpl tools = new ToolRegistryImpl();
    final ApprovalPolicy approval = new ApprovalPolicy();
    final ScriptedProvider provider = new ScriptedProvider("openai");
    AgentRuntime runtime;

    AgentRuntime runtime(Map<String, Object> config) {
        Map<String, Object> approvalConfig = new HashMap<>();
        approvalConfig.put("approval", config.getOrDefault("approval", "auto"));
        approval.configure(approvalConfig);
        runtime = new AgentRuntime(store, store, tools, approval, home, Configs.of(AgentConfig.class, config));
        runtime.providers = List.of(provider);
        return runtime;
    }

    @BeforeEach
    void open() {
        store = new SqliteConversationStore(home.resolve("memory.db"));
    }

    @AfterEach
    void stop() {
        if (runtime != null) {
            runtime.deactivate();
        }
        store.deactivate();
    }

    void register(Tool tool) {
        tools.addTool(FakeServiceObjects.of(tool, new FakeServiceReference<>(Map.of(Tool.NAME, tool.spec().name()))));
    }

    static AgentReply await(TurnHandle handle) throws Exception {
        return handle.completion().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    static InboundMessage cli(String session, String text) {
        return InboundMessage.text("cli", "cli:" + session, session, text);
    }

    @Test
    void textAnswerIsStoredAndReplied() throws Exception {
        provider.then((request, listener) -> {
            listener.onTextDelta("Hel");
            listener.onTextDelta("lo");
            return ScriptedProvider.text("Hello");
        });
        RecordingSink sink = new RecordingSink();

        AgentReply reply = await(runtime(Map.of()).submit(cli("s1", "hi"), sink));

        assertThat(reply.error()).isFalse();
        assertThat(reply.text()).isEqualTo("Hello");
        assertThat(sink.replies).containsExactly(reply);
        assertThat(sink.deltas).containsExactly("Hel", "lo");
        assertThat(store.history("s1")).extracting(ChatMessage::role, ChatMessage::content)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Role.USER, "hi"),
                        org.assertj.core.groups.Tuple.tuple(Role.ASSISTANT, "Hello"));
        assertThat(provider.requests.get(0).model()).isEqualTo("scripted-1");
        assertThat(provider.requests.get(0).systemPrompt()).contains("openpista").contains(home.resolve("workspace").toString());
    }

    @Test
    void toolCallsRunAndTheirResultsGoBackToTheModel() throws Exception {
        FakeTool tool = new FakeTool("system.run", "hello from tool");
        register(tool);
        provider.then((request, listener) -> ScriptedProvider.calls(new ToolCall("c1", "system.run", "{\"command\":\"echo\"}")))
                .then((request, listener) -> ScriptedProvider.text("done: " + request.messages().get(2).content()));

        AgentReply reply = await(runtime(Map.of()).submit(cli("s1", "run it"), new RecordingSink()));

        assertThat(reply.text()).isEqualTo("done: hello from tool");
        assertThat(tool.calls).containsExactly(new ToolCall("c1", "system.run", "{\"command\":\"echo\"}"));
        assertThat(tool.contexts.get(0).sessionId()).isEqualTo("s1");
        assertThat(tool.contexts.get(0).workspace()).isEqualTo(home.resolve("workspace"));
        assertThat(provider.requests.get(0).tools()).extracting(t -> t.name()).containsExactly("system.run");
        List<ChatMessage> stored = store.history("s1");
        assertThat(stored).extracting(ChatMessage::role)
                .containsExactly(Role.USER, Role.ASSISTANT, Role.TOOL, Role.ASSISTANT);
        assertThat(stored.get(1).toolCalls()).hasSize(1);
        assertThat(stored.get(2).toolCallId()).isEqualTo("c1");
        assertThat(stored.get(2).toolName()).isEqualTo("system.run");
    }

    @Test
    void base64ImagesOfAToolReachTheUserNotTheModel() throws Exception {
        String image = java.util.Base64.getEncoder().encodeToString(new byte[4096]);
        register(new FakeTool("screen.capture", "{\"mime_type\":\"image/png\",\"data_b64\":\"" + image + "\"}"));
        provider.then((request, listener) -> ScriptedProvider.calls(new ToolCall("c1", "screen.capture", "{}")))
                .then((request, listener) -> ScriptedProvider.text("a black square"));

        AgentReply reply = await(runtime(Map.of()).submit(cli("s1", "look"), new RecordingSink()));

        assertThat(provider.requests.get(1).messages().get(2).content()).doesNotContain(image).contains("4096 bytes");
        assertThat(reply.attachments()).singleElement().satisfies(a -> assertThat(a.size()).isEqualTo(4096));
        assertThat(store.history("s1").get(2).attachments()).hasSize(1);
    }

    @Test
    void roundLimitEndsTheTurnWithAClearMessage() throws Exception {
        register(new FakeTool("loop.tool", "again"));
        AtomicInteger ids = new AtomicInteger();
        provider.fallback = (request, listener) ->
                ScriptedProvider.calls(new ToolCall("c" + ids.incrementAndGet(), "loop.tool", "{}"));

        AgentReply reply = await(runtime(Map.of("max_tool_rounds", 3)).submit(cli("s1", "go"), new RecordingSink()));

        assertThat(reply.error()).isTrue();
        assertThat(reply.text()).contains("Stopped after 3 tool rounds").contains("max_tool_rounds");
        assertThat(provider.requests).hasSize(3);
        assertThat(store.history("s1")).filteredOn(m -> m.role() == Role.TOOL).hasSize(3);
    }

    @Test
    void unknownProviderIsReportedNotThrown() throws Exception {
        AgentReply reply = await(runtime(Map.of("provider", "anthropic", "provider_wait_secs", 0))
                .submit(cli("s1", "hi"), new RecordingSink()));

        assertThat(reply.error()).isTrue();
        assertThat(reply.text()).contains("\"anthropic\" is not available").contains("available: openai");
    }

    @Test
    void providerFailureBecomesTheReply() throws Exception {
        provider.then((request, listener) -> {
            throw new ProviderException(ProviderException.Kind.AUTHENTICATION, 401, "OpenAI rejected the API key (401)", null);
        });

        AgentReply reply = await(runtime(Map.of()).submit(cli("s1", "hi"), new RecordingSink()));

        assertThat(reply.error()).isTrue();
        assertThat(reply.text()).isEqualTo("OpenAI rejected the API key (401)");
        assertThat(store.history("s1")).extracting(ChatMessage::role).containsExactly(Role.USER);
    }

    @Test
    void aToolThatThrowsAnErrorFailsThatCallAndTheTurnGoesOn() throws Exception {
        register(new FakeTool("greedy.tool", "") {
            @Override
            public ToolResult execute(ToolCall call, ToolContext context) {
                throw new OutOfMemoryError("Java heap space");
            }
        });
        provider.then((request, listener) -> ScriptedProvider.calls(new ToolCall("c1", "greedy.tool", "{}")))
                .then((request, listener) -> ScriptedProvider.text("saw: " + request.messages().get(2).content()));

        AgentReply reply = await(runtime(Map.of()).submit(cli("s1", "go"), new RecordingSink()));

        assertThat(reply.error()).isFalse();
        assertThat(reply.text()).isEqualTo("saw: tool greedy.tool failed: OutOfMemoryError: Java heap space");
    }

    @Test
    void anErrorOutsideToolsEndsTheTurnWithAnErrorAndTheSessionKeepsWorking() throws Exception {
        provider.then((request, listener) -> {
            throw new StackOverflowError();
        }).then((request, listener) -> ScriptedProvider.text("fine again"));
        AgentRuntime runtime = runtime(Map.of());

        AgentReply failed = await(runtime.submit(cli("s1", "first"), new RecordingSink()));
        AgentReply next = await(runtime.submit(cli("s1", "second"), new RecordingSink()));

        assertThat(failed.error()).isTrue();
        assertThat(failed.text()).contains("internal error").contains("StackOverflowError");
        assertThat(next.text()).isEqualTo("fine again");
    }

    @Test
    void deniedToolCallIsNotRunAndTheModelIsTold() throws Exception {
        FakeTool tool = new FakeTool("system.run", "must not run");
        register(tool);
        provider.then((request, listener) -> ScriptedProvider.calls(new ToolCall("c1", "system.run", "{}")))
                .then((request, listener) -> ScriptedProvider.text("ok"));

        await(runtime(Map.of("approval", "deny")).submit(cli("s1", "hi"), new RecordingSink()));

        assertThat(tool.calls).isEmpty();
        ChatMessage result = store.history("s1").get(2);
        assertThat(result.error()).isTrue();
        assertThat(result.content()).startsWith("not run:").contains("deny");
    }

    @Test
    void askingAChannelThatCannotAskRefusesWithAReason() throws Exception {
        FakeTool tool = new FakeTool("system.run", "must not run");
        register(tool);
        provider.then((request, listener) -> ScriptedProvider.calls(new ToolCall("c1", "system.run", "{}")))
                .then((request, listener) -> ScriptedProvider.text("ok"));

        await(runtime(Map.of("approval", "ask")).submit(cli("s1", "hi"), new RecordingSink()));

        assertThat(tool.calls).isEmpty();
        assertThat(store.history("s1").get(2).content()).contains("could not be asked");
    }

    @Test
    void approvedToolCallRunsUnderAsk() throws Exception {
        FakeTool tool = new FakeTool("system.run", "ran");
        register(tool);
        provider.then((request, listener) -> ScriptedProvider.calls(new ToolCall("c1", "system.run", "{\"command\":\"ls\"}")))
                .then((request, listener) -> ScriptedProvider.text("ok"));
        RecordingSink sink = RecordingSink.answering(ApprovalDecision.APPROVE);

        await(runtime(Map.of("approval", "ask")).submit(cli("s1", "hi"), sink));

        assertThat(tool.calls).hasSize(1);
        assertThat(sink.questions).singleElement().satisfies(question -> {
            assertThat(question.call()).isEqualTo(new ToolCall("c1", "system.run", "{\"command\":\"ls\"}"));
            assertThat(question.sessionId()).isEqualTo("s1");
        });
    }

    @Test
    void aToolAsksTheOwnerThroughTheChannelOfItsTurn() throws Exception {
        List<ApprovalDecision> answers = new java.util.concurrent.CopyOnWriteArrayList<>();
        register(new FakeTool("mcp.files.write", "") {
            @Override
            public org.openpista.api.tool.ToolResult execute(ToolCall call, org.openpista.api.tool.ToolContext context) {
                try {
                    answers.add(context.owner().ask(new ToolCall("q1", "mcp.files.elicitation", "{\"message\":\"sure?\"}"))
                            .toCompletableFuture().get(10, TimeUnit.SECONDS));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return org.openpista.api.tool.ToolResult.ok("asked");
            }
        });
        provider.then((request, listener) -> ScriptedProvider.calls(new ToolCall("c1", "mcp.files.write", "{}")))
                .then((request, listener) -> ScriptedProvider.text("ok"));
        RecordingSink sink = RecordingSink.answering(ApprovalDecision.REJECT);

        await(runtime(Map.of()).submit(cli("s1", "hi"), sink));

        assertThat(answers).containsExactly(ApprovalDecision.REJECT);
        assertThat(sink.questions).singleElement().satisfies(question -> {
            assertThat(question.call().name()).isEqualTo("mcp.files.elicitation");
            assertThat(question.sessionId()).isEqualTo("s1");
            assertThat(question.channel()).isEqualTo("cli");
        });
    }

    @Test
    void theApprovalQuestionCarriesWhatTheToolSaysAboutItsOriginAndIsolation() throws Exception {
        FakeTool skill = new FakeTool("skill.word-count", "3 words");
        tools.addTool(FakeServiceObjects.of(skill, new FakeServiceReference<>(Map.of(Tool.NAME, "skill.word-count", Tool.APPROVAL_NOTE,
                "workspace skill from /w/word-count; it shadows the bundled skill of the same name; runs on the host"))));
        provider.then((request, listener) -> ScriptedProvider.calls(new ToolCall("c1", "skill.word-count", "{}")))
                .then((request, listener) -> ScriptedProvider.text("ok"));
        RecordingSink sink = RecordingSink.answering(ApprovalDecision.APPROVE);

        await(runtime(Map.of("approval", "ask")).submit(cli("s1", "hi"), sink));

        assertThat(sink.questions).singleElement().satisfies(question -> {
            assertThat(question.note()).contains("shadows the bundled skill").contains("runs on the host");
            assertThat(question.question()).startsWith("skill.word-count with {}").contains("(workspace skill from");
        });
    }

    @Test
    void toolsRegisteredBetweenTurnsAreOfferedAndRemovedOnesAreGone() throws Exception {
        provider.fallback = (request, listener) -> ScriptedProvider.text("ok");
        runtime(Map.of());
        FakeTool hello = new FakeTool("hello.greet", "hi");
        FakeServiceReference<Tool> reference = new FakeServiceReference<>(Map.of(Tool.NAME, "hello.greet"));

        await(runtime.submit(cli("s1", "one"), new RecordingSink()));
        tools.addTool(FakeServiceObjects.of(hello, reference));
        await(runtime.submit(cli("s1", "two"), new RecordingSink()));
        tools.removeTool(reference);
        await(runtime.submit(cli("s1", "three"), new RecordingSink()));

        assertThat(provider.requests).extracting(r -> r.tools().size()).containsExactly(0, 1, 0);
    }

    @Test
    void oneSessionRunsOneTurnAtATimeInOrder() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger maxConcurrent = new AtomicInteger();
        provider.fallback = (request, listener) -> {
            maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            concurrent.decrementAndGet();
            return ScriptedProvider.text("answer to " + request.messages().get(request.messages().size() - 1).content());
        };
        runtime(Map.of());
        RecordingSink sink = new RecordingSink();
        TurnHandle first = runtime.submit(cli("same", "first"), sink);
        TurnHandle second = runtime.submit(cli("same", "second"), sink);
        TurnHandle third = runtime.submit(cli("same", "third"), sink);
        release.countDown();

        assertThat(await(first).text()).isEqualTo("answer to first");
        assertThat(await(second).text()).isEqualTo("answer to second");
        assertThat(await(third).text()).isEqualTo("answer to third");
        assertThat(maxConcurrent).hasValue(1);
        assertThat(store.history("same")).extracting(ChatMessage::content)
                .containsExactly("first", "answer to first", "second", "answer to second", "third", "answer to third");
    }

    @Test
    void differentSessionsRunInParallel() throws Exception {
        CountDownLatch bothInside = new CountDownLatch(2);
        provider.fallback = (request, listener) -> {
            bothInside.countDown();
            try {
                // only returns when the other session's turn is inside the provider at the same time
                if (!bothInside.await(10, TimeUnit.SECONDS)) {
                    return ScriptedProvider.text("alone");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return ScriptedProvider.text("together");
        };
        runtime(Map.of());

        TurnHandle a = runtime.submit(cli("a", "x"), new RecordingSink());
        TurnHandle b = runtime.submit(cli("b", "y"), new RecordingSink());

        assertThat(await(a).text()).isEqualTo("together");
        assertThat(await(b).text()).isEqualTo("together");
    }

    @Test
    void cancellingARunningTurnStopsItAndTheSessionKeepsWorking() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        provider.then((request, listener) -> {
            inside.countDown();
            long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!request.cancellation().isCancelled() && System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            throw new ProviderException(ProviderException.Kind.CANCELLED, "cancelled");
        }).then((request, listener) -> ScriptedProvider.text("still here"));
        runtime(Map.of());

        TurnHandle running = runtime.submit(cli("s1", "slow"), new RecordingSink());
        TurnHandle queued = runtime.submit(cli("s1", "queued"), new RecordingSink());
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(queued.cancel()).isTrue();
        assertThat(running.cancel()).isTrue();

        assertThat(await(running).text()).isEqualTo("Cancelled.");
        assertThat(await(queued).text()).isEqualTo("Cancelled.");
        assertThat(await(runtime.submit(cli("s1", "again"), new RecordingSink())).text()).isEqualTo("still here");
    }

    @Test
    void aFailingSinkDoesNotBreakTheSession() throws Exception {
        provider.fallback = (request, listener) -> ScriptedProvider.text("ok");
        runtime(Map.of());
        RecordingSink broken = new RecordingSink() {
            @Override
            public void reply(AgentReply reply) {
                throw new IllegalStateException("socket closed");
            }
        };

        await(runtime.submit(cli("s1", "one"), broken));

        assertThat(await(runtime.submit(cli("s1", "two"), new RecordingSink())).text()).isEqualTo("ok");
    }

    @Test
    void shutdownRefusesNewMessagesWithAClearReply() throws Exception {
        runtime(Map.of()).deactivate();
        RecordingSink sink = new RecordingSink();

        AgentReply reply = await(runtime.submit(cli("s1", "late"), sink));

        assertThat(reply.error()).isTrue();
        assertThat(reply.text()).contains("shutting down");
        assertThat(sink.replies).containsExactly(reply);
        runtime = null;
    }

    @Test
    void aProviderReplacedDuringARequestGetsTheRequestAgain() throws Exception {
        ScriptedProvider replacement = new ScriptedProvider("openai");
        replacement.fallback = (request, listener) -> ScriptedProvider.text("answered by the new revision");
        provider.then((request, listener) -> {
            // the bundle is updated while the request runs: the old service leaves, the new one arrives
            runtime.providers = List.of(replacement);
            throw new NoClassDefFoundError("org/openpista/provider/openai/internal/ChatExchange$1");
        });
        runtime(Map.of());

        AgentReply reply = await(runtime.submit(cli("s1", "hi"), new RecordingSink()));

        assertThat(reply.error()).as(reply.text()).isFalse();
        assertThat(reply.text()).isEqualTo("answered by the new revision");
        assertThat(replacement.requests).hasSize(1);
        assertThat(store.history("s1")).extracting(ChatMessage::content).containsExactly("hi", "answered by the new revision");
    }

    @Test
    void aProviderThatLeavesForGoodEndsTheTurnWithAClearMessage() throws Exception {
        provider.then((request, listener) -> {
            runtime.providers = List.of();
            throw new IllegalStateException("bundle stopped");
        });
        runtime(Map.of("provider_wait_secs", 0));

        AgentReply reply = await(runtime.submit(cli("s1", "hi"), new RecordingSink()));

        assertThat(reply.error()).isTrue();
        assertThat(reply.text()).contains("\"openai\" went away while answering").contains("ask again");
    }

    @Test
    void aTurnWaitsForAProviderThatIsBeingReRegistered() throws Exception {
        runtime(Map.of());
        runtime.providers = List.of();
        provider.fallback = (request, listener) -> ScriptedProvider.text("back");
        Thread later = new Thread(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            runtime.providers = List.of(provider);
        });
        later.start();

        AgentReply reply = await(runtime.submit(cli("s1", "hi"), new RecordingSink()));
        later.join();

        assertThat(reply.text()).isEqualTo("back");
    }

    @Test
    void aProviderFailureWhileStillRegisteredIsNotRetried() throws Exception {
        provider.then((request, listener) -> {
            throw new IllegalStateException("boom");
        });
        runtime(Map.of());

        AgentReply reply = await(runtime.submit(cli("s1", "hi"), new RecordingSink()));

        assertThat(reply.error()).isTrue();
        assertThat(reply.text()).isEqualTo("the provider \"openai\" failed: boom");
        assertThat(provider.requests).hasSize(1);
    }

    @Test
    void aConversationUsesItsKeyAsSessionUntilANewSessionStarts() throws Exception {
        provider.fallback = (request, listener) -> ScriptedProvider.text("ok");
        runtime(Map.of());
        InboundMessage toConversation = InboundMessage.text("web", "web:client1", null, "hello");

        TurnHandle first = runtime.submit(toConversation, new RecordingSink());
        String fresh = runtime.newSession("web:client1");
        TurnHandle second = runtime.submit(toConversation, new RecordingSink());
        await(first);
        await(second);
        runtime.switchSession("web:client1", "web:client1");

        assertThat(first.sessionId()).isEqualTo("web:client1");
        assertThat(fresh).startsWith("web:client1:").isNotEqualTo("web:client1");
        assertThat(second.sessionId()).isEqualTo(fresh);
        assertThat(runtime.currentSession("web:client1")).isEqualTo("web:client1");
        assertThat(runtime.currentSession("web:other")).isEqualTo("web:other");
        assertThat(store.history(fresh)).extracting(ChatMessage::content).containsExactly("hello", "ok");
    }

    @Test
    void activityShowsRunningAndQueuedTurnsAndCountersCountThem() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        provider.fallback = (request, listener) -> {
            inside.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return ScriptedProvider.text("ok");
        };
        runtime(Map.of());
        TurnHandle first = runtime.submit(cli("busy", "one"), new RecordingSink());
        TurnHandle second = runtime.submit(cli("busy", "two"), new RecordingSink());
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();

        assertThat(runtime.activity()).singleElement().satisfies(activity -> {
            assertThat(activity.sessionId()).isEqualTo("busy");
            assertThat(activity.channel()).isEqualTo("cli");
            assertThat(activity.runningSince()).isNotNull();
            assertThat(activity.queued()).isEqualTo(1);
        });
        release.countDown();
        await(first);
        await(second);
        assertThat(runtime.turnsFinished()).isEqualTo(2);
        assertThat(runtime.turnsFailed()).isZero();
        assertThat(runtime.provider()).isEqualTo("openai");
    }

    @Test
    void aRequestToAProviderThatLeavesIsAbandonedAndSentToItsReplacement() throws Exception {
        ScriptedProvider replacement = new ScriptedProvider("openai");
        replacement.fallback = (request, listener) -> ScriptedProvider.text("from the new revision");
        CountDownLatch inside = new CountDownLatch(1);
        provider.then((request, listener) -> {
            inside.countDown();
            // an updated bundle's old revision may never answer; only the cancellation ends the wait
            long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!request.cancellation().isCancelled() && System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            throw new ProviderException(ProviderException.Kind.CANCELLED, "request cancelled");
        });
        runtime(Map.of());

        TurnHandle turn = runtime.submit(cli("s1", "hi"), new RecordingSink());
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
        runtime.providers = List.of(replacement);
        runtime.providerLeft(provider);

        AgentReply reply = await(turn);
        assertThat(reply.error()).as(reply.text()).isFalse();
        assertThat(reply.text()).isEqualTo("from the new revision");
    }
}
