package org.openpista.channel.web.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.openpista.api.approval.ApprovalDecision;
import org.openpista.api.approval.ApprovalRequest;
import org.openpista.api.auth.AuthException;
import org.openpista.api.auth.AuthMode;
import org.openpista.api.auth.AuthService;
import org.openpista.api.auth.FlowType;
import org.openpista.api.auth.LoginFlow;
import org.openpista.api.auth.LoginResult;
import org.openpista.api.auth.ProviderAuthStatus;
import org.openpista.api.channel.AgentReply;
import org.openpista.api.channel.ProgressEvent;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.config.ConfigException;
import org.openpista.api.llm.ModelInfo;
import org.openpista.api.model.ModelChoice;
import org.openpista.api.model.ModelSelector;
import org.openpista.channel.support.MemoryGateway;

/** Every frame type of the web protocol, over a real WebSocket against the channel's servlets in Jetty. */
class ProtocolTest {

    TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = new TestServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void connectSequenceIsAuthResultThenSessionsThenHistory() throws Exception {
        server.gateway.script = turn -> AgentReply.answer(turn.sessionId, "earlier answer");
        try (WsClient first = server.client("ada")) {
            first.frame("message", "content", "earlier question");
            first.next("response");
        }
        try (WsClient client = WsClient.connect(server.ws(Map.of("token", TestServer.TOKEN, "client_id", "ada")))) {
            JsonNode auth = client.next();
            assertThat(auth.path("type").asText()).isEqualTo("auth_result");
            assertThat(auth.path("success").asBoolean()).isTrue();
            assertThat(auth.path("client_id").asText()).isEqualTo("ada");
            assertThat(auth.path("session_id").asText()).isEqualTo("web:ada");
            assertThat(auth.path("shared_with_tui").asBoolean()).isFalse();
            assertThat(auth.path("max_upload_bytes").asLong()).isPositive();
            JsonNode sessions = client.next();
            assertThat(sessions.path("type").asText()).isEqualTo("sessions_list");
            assertThat(sessions.path("sessions").get(0).path("id").asText()).isEqualTo("web:ada");
            assertThat(sessions.path("sessions").get(0).path("channel_id").asText()).isEqualTo("web");
            assertThat(Instant.parse(sessions.path("sessions").get(0).path("updated_at").asText())).isNotNull();
            assertThat(sessions.path("sessions").get(0).path("preview").asText()).isEqualTo("earlier answer");
            JsonNode history = client.next();
            assertThat(history.path("type").asText()).isEqualTo("session_history");
            assertThat(history.path("session_id").asText()).isEqualTo("web:ada");
            assertThat(history.path("messages")).extracting(m -> m.path("role").asText()).containsExactly("user", "assistant");
            assertThat(history.path("messages").get(0).path("content").asText()).isEqualTo("earlier question");
            assertThat(Instant.parse(history.path("messages").get(0).path("created_at").asText())).isNotNull();
        }
    }

    @Test
    void aClientWithoutIdGetsOne() throws Exception {
        try (WsClient client = WsClient.connect(server.ws(Map.of("token", TestServer.TOKEN)))) {
            JsonNode auth = client.handshake();
            assertThat(auth.path("client_id").asText()).matches("[0-9a-f-]{36}");
            assertThat(auth.path("session_id").asText()).isEqualTo("web:" + auth.path("client_id").asText());
        }
    }

    @Test
    void pingIsAnsweredWithPong() throws Exception {
        try (WsClient client = server.client("c")) {
            client.frame("ping");
            assertThat(client.next().path("type").asText()).isEqualTo("pong");
        }
    }

    @Test
    void theAcknowledgementComesOnlyOnceStoredAndBeforeEveryFrameOfItsTurn() throws Exception {
        server.gateway.inline = true;
        server.gateway.script = turn -> {
            turn.sink.textDelta(turn.sessionId, "fast");
            return AgentReply.answer(turn.sessionId, "fast answer");
        };
        try (WsClient client = server.client("c")) {
            client.frame("message", "content", "quick", "message_id", "m-9");
            JsonNode first = client.next("message_ack");
            client.next("response");
            // nothing of the turn came before its acknowledgement
            assertThat(client.seen()).extracting(frame -> frame.path("type").asText()).containsSubsequence("message_ack",
                    "response_delta", "response");
            assertThat(client.seen().stream().map(frame -> frame.path("type").asText())
                    .takeWhile(type -> !type.equals("message_ack"))).doesNotContain("response_delta", "response");
            assertThat(first.path("message_id").asText()).isEqualTo("m-9");
        }
    }

    @Test
    void aMessageTheAgentCannotStoreIsRefusedNotAcknowledged() throws Exception {
        server.gateway.refuse = new IllegalStateException("cannot store the message: disk full");
        try (WsClient client = server.client("c")) {
            client.frame("message", "content", "lost?", "message_id", "m-10");
            JsonNode error = client.next("message_error");
            assertThat(error.path("message_id").asText()).isEqualTo("m-10");
            assertThat(error.path("error").asText()).contains("disk full");
            assertThat(client.seen()).extracting(frame -> frame.path("type").asText()).doesNotContain("message_ack");
        }
    }

    @Test
    void aMessageIsAcknowledgedStreamedAndAnswered() throws Exception {
        server.gateway.script = turn -> {
            turn.sink.progress(new ProgressEvent(turn.sessionId, ProgressEvent.Kind.THINKING, null, null, ""));
            turn.sink.textDelta(turn.sessionId, "Hel");
            turn.sink.textDelta(turn.sessionId, "lo!");
            return AgentReply.answer(turn.sessionId, "Hello!");
        };
        try (WsClient client = server.client("c")) {
            client.frame("message", "content", "hi there", "message_id", "m-1");
            JsonNode ack = client.next("message_ack");
            assertThat(ack.path("message_id").asText()).isEqualTo("m-1");
            assertThat(ack.path("session_id").asText()).isEqualTo("web:c");
            assertThat(client.next("progress").path("kind").asText()).isEqualTo("thinking");
            assertThat(client.next("response_delta").path("content").asText()).isEqualTo("Hel");
            assertThat(client.next("response_delta").path("content").asText()).isEqualTo("lo!");
            JsonNode response = client.next("response");
            assertThat(response.path("content").asText()).isEqualTo("Hello!");
            assertThat(response.path("is_error").asBoolean()).isFalse();
            assertThat(response.path("message_id").asText()).isEqualTo("m-1");
        }
        MemoryGateway.Turn turn = server.gateway.turns.get(0);
        assertThat(turn.message.channel()).isEqualTo("web");
        assertThat(turn.message.conversationKey()).isEqualTo("web:c");
        assertThat(turn.message.sessionId()).isEqualTo("web:c");
        assertThat(turn.message.text()).isEqualTo("hi there");
        assertThat(turn.message.metadata()).containsEntry("message_id", "m-1").containsEntry("client_id", "c");
    }

    @Test
    void repliesGoOnlyToTheClientsOfTheirSession() throws Exception {
        try (WsClient ada = server.client("ada");
                WsClient adaSecondTab = server.client("ada");
                WsClient bob = server.client("bob")) {
            ada.frame("message", "content", "for ada only");
            assertThat(ada.next("response").path("content").asText()).isEqualTo("echo: for ada only");
            assertThat(adaSecondTab.next("user_message").path("content").asText()).isEqualTo("for ada only");
            assertThat(adaSecondTab.next("response").path("content").asText()).isEqualTo("echo: for ada only");
            bob.frame("ping");
            // bob's next frame is the answer to his own ping, not ada's conversation
            assertThat(bob.next().path("type").asText()).isEqualTo("pong");
        }
    }

    @Test
    void anEmptyOrMalformedMessageIsAMessageError() throws Exception {
        try (WsClient client = server.client("c")) {
            client.frame("message", "content", "   ", "message_id", "m-2");
            JsonNode error = client.next("message_error");
            assertThat(error.path("message_id").asText()).isEqualTo("m-2");
            assertThat(error.path("session_id").asText()).isEqualTo("web:c");
            assertThat(error.path("error").asText()).contains("empty");
            client.send("{\"type\":\"message\",\"content\":42}");
            assertThat(client.next("message_error").path("error").asText()).contains("content");
        }
        assertThat(server.gateway.turns).isEmpty();
    }

    @Test
    void attachmentsOfAMessageReachTheAgentAndTheSessionsOtherTabs() throws Exception {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10};
        String data = java.util.Base64.getEncoder().encodeToString(png);
        try (WsClient ada = server.client("ada"); WsClient secondTab = server.client("ada")) {
            ada.send("{\"type\":\"message\",\"content\":\"\",\"message_id\":\"m-3\",\"attachments\":"
                    + "[{\"mime_type\":\"image/png\",\"name\":\"p.png\",\"data_b64\":\"" + data + "\"}]}");
            assertThat(ada.next("message_ack").path("message_id").asText()).isEqualTo("m-3");
            JsonNode echo = secondTab.next("user_message");
            assertThat(echo.path("attachments").get(0).path("data_b64").asText()).isEqualTo(data);
            assertThat(echo.path("attachments").get(0).path("name").asText()).isEqualTo("p.png");
        }
        MemoryGateway.Turn turn = server.gateway.turns.get(0);
        assertThat(turn.message.text()).isEmpty();
        assertThat(turn.message.attachments()).singleElement().satisfies(attachment -> {
            assertThat(attachment.mimeType()).isEqualTo("image/png");
            assertThat(attachment.data()).isEqualTo(png);
        });
    }

    @Test
    void malformedAttachmentsAndAttachmentsTheAgentRefusesAreMessageErrors() throws Exception {
        try (WsClient client = server.client("c")) {
            client.send("{\"type\":\"message\",\"content\":\"x\",\"message_id\":\"m-4\",\"attachments\":"
                    + "[{\"mime_type\":\"image/png\",\"name\":\"p.png\",\"data_b64\":\"%%%\"}]}");
            assertThat(client.next("message_error").path("error").asText())
                    .isEqualTo("the attachment \"p.png\" is not valid base64");
            client.send("{\"type\":\"message\",\"content\":\"x\",\"attachments\":{\"not\":\"a list\"}}");
            assertThat(client.next("message_error").path("error").asText()).contains("must be a list");
            server.gateway.refuse = new IllegalArgumentException("\"p.png\" is not a valid image: its content is not PNG");
            client.send("{\"type\":\"message\",\"content\":\"x\",\"attachments\":"
                    + "[{\"mime_type\":\"image/png\",\"name\":\"p.png\",\"data_b64\":\"aGVsbG8=\"}]}");
            assertThat(client.next("message_error").path("error").asText())
                    .isEqualTo("\"p.png\" is not a valid image: its content is not PNG");
        }
        assertThat(server.gateway.turns).isEmpty();
    }

    @Test
    void invalidJsonAndUnknownTypesGetAnErrorFrameAndTheConnectionStaysUsable() throws Exception {
        try (WsClient client = server.client("c")) {
            client.send("this is { not json");
            JsonNode badJson = client.next();
            assertThat(badJson.path("type").asText()).isEqualTo("error");
            assertThat(badJson.path("code").asText()).isEqualTo("bad_json");
            client.send("{\"type\":\"teleport\"}");
            JsonNode unknown = client.next();
            assertThat(unknown.path("code").asText()).isEqualTo("unknown_type");
            assertThat(unknown.path("error").asText()).contains("teleport");
            client.send("[1,2,3]");
            assertThat(client.next().path("code").asText()).isEqualTo("bad_frame");
            client.send("{\"content\":\"no type\"}");
            assertThat(client.next().path("code").asText()).isEqualTo("bad_frame");
            client.sendBinary();
            assertThat(client.next().path("code").asText()).isEqualTo("bad_frame");
            client.send("{\"type\":\"session_history_request\",\"session_id\":7}");
            assertThat(client.next().path("code").asText()).isEqualTo("bad_frame");
            client.frame("ping");
            assertThat(client.next().path("type").asText()).isEqualTo("pong");
        }
    }

    @Test
    void sessionsCanBeListedSwitchedCreatedAndDeleted() throws Exception {
        try (WsClient client = server.client("c")) {
            client.frame("message", "content", "in the first session");
            client.next("response");
            client.frame("sessions_request");
            assertThat(client.next("sessions_list").path("sessions")).extracting(s -> s.path("id").asText()).containsExactly("web:c");

            client.frame("session_history_request", "session_id", "web:c:work");
            JsonNode empty = client.next("session_history");
            assertThat(empty.path("session_id").asText()).isEqualTo("web:c:work");
            assertThat(empty.path("messages")).isEmpty();
            client.frame("message", "content", "in the work session");
            assertThat(client.next("response").path("session_id").asText()).isEqualTo("web:c:work");
            assertThat(server.gateway.turns.get(1).message.sessionId()).isEqualTo("web:c:work");

            client.frame("session_history_request", "session_id", "web:c");
            assertThat(client.next("session_history").path("messages").get(0).path("content").asText())
                    .isEqualTo("in the first session");

            client.frame("session_new");
            JsonNode fresh = client.next("session_history");
            assertThat(fresh.path("session_id").asText()).startsWith("web:c:").isNotEqualTo("web:c:work");
            assertThat(fresh.path("messages")).isEmpty();

            client.frame("session_delete", "session_id", "web:c:work");
            JsonNode deleted = client.next("session_deleted");
            assertThat(deleted.path("session_id").asText()).isEqualTo("web:c:work");
            assertThat(deleted.path("deleted").asBoolean()).isTrue();
            assertThat(client.next("sessions_list").path("sessions")).extracting(s -> s.path("id").asText()).containsExactly("web:c");
        }
        assertThat(server.store.session("web:c:work")).isEmpty();
    }

    @Test
    void theSessionIdParameterBindsTheConnection() throws Exception {
        try (WsClient client = WsClient.connect(server.ws(Map.of("token", TestServer.TOKEN, "client_id", "c",
                "session_id", "shared-notes")))) {
            JsonNode auth = client.handshake();
            assertThat(auth.path("session_id").asText()).isEqualTo("shared-notes");
            client.frame("message", "content", "note");
            client.next("response");
        }
        assertThat(server.gateway.turns.get(0).message.sessionId()).isEqualTo("shared-notes");
    }

    @Test
    void aSharedSessionIsTheOneSessionOfEveryClient() throws Exception {
        server.close();
        server = new TestServer(new WebSettings(true, "127.0.0.1", 0, TestServer.TOKEN, List.of(), null, "main",
                1024 * 1024, Duration.ofSeconds(120), Duration.ofMinutes(10)));
        try (WsClient ada = WsClient.connect(server.ws(Map.of("token", TestServer.TOKEN, "client_id", "ada")));
                WsClient bob = WsClient.connect(server.ws(Map.of("token", TestServer.TOKEN, "client_id", "bob")))) {
            JsonNode auth = ada.handshake();
            assertThat(auth.path("session_id").asText()).isEqualTo("main");
            assertThat(auth.path("shared_with_tui").asBoolean()).isTrue();
            bob.handshake();
            ada.frame("message", "content", "hello both");
            assertThat(bob.next("user_message").path("client_id").asText()).isEqualTo("ada");
            assertThat(bob.next("response").path("content").asText()).isEqualTo("echo: hello both");
            assertThat(ada.next("response").path("session_id").asText()).isEqualTo("main");
        }
        assertThat(server.gateway.turns.get(0).message.conversationKey()).isEqualTo("main");
    }

    @Test
    void cancelGenerationStopsASlowTurnAndTheSessionKeepsWorking() throws Exception {
        server.gateway.script = turn -> {
            turn.sink.textDelta(turn.sessionId, "thinking slowly");
            turn.awaitCancel();
            return AgentReply.failure(turn.sessionId, "Cancelled.");
        };
        try (WsClient client = server.client("c")) {
            client.frame("message", "content", "take your time");
            client.next("response_delta");
            client.frame("cancel_generation");
            JsonNode cancelled = client.next("generation_cancelled");
            assertThat(cancelled.path("session_id").asText()).isEqualTo("web:c");
            assertThat(cancelled.path("cancelled").asInt()).isEqualTo(1);
            server.gateway.script = turn -> AgentReply.answer(turn.sessionId, "fresh answer");
            client.frame("message", "content", "again");
            JsonNode response = client.next("response");
            assertThat(response.path("content").asText()).isEqualTo("fresh answer");
            assertThat(client.seen()).filteredOn(f -> f.path("type").asText().equals("response")).hasSize(1);
        }
        assertThat(server.gateway.turns.get(0).cancelled).isTrue();
    }

    @Test
    void aTurnOverTheTimeLimitEndsWithAnErrorResponseAndTheSessionKeepsWorking() throws Exception {
        server.close();
        server = new TestServer(TestServer.settings(TestServer.TOKEN, List.of(), Duration.ofSeconds(1), 1024 * 1024));
        server.gateway.script = turn -> {
            turn.awaitCancel();
            return AgentReply.failure(turn.sessionId, "Cancelled.");
        };
        try (WsClient client = server.client("c")) {
            client.frame("message", "content", "never answered", "message_id", "slow");
            JsonNode response = client.next("response");
            assertThat(response.path("is_error").asBoolean()).isTrue();
            assertThat(response.path("content").asText()).contains("No answer within 1 s");
            assertThat(response.path("message_id").asText()).isEqualTo("slow");
            server.gateway.script = turn -> AgentReply.answer(turn.sessionId, "on time");
            client.frame("message", "content", "quick one");
            assertThat(client.next("response").path("content").asText()).isEqualTo("on time");
        }
        assertThat(server.gateway.turns.get(0).cancelled).isTrue();
    }

    /** A turn that asks about one call and answers with the decision it got. */
    MemoryGateway.Script asking(String callId) {
        return turn -> {
            ApprovalRequest request = new ApprovalRequest(turn.sessionId, "web",
                    new ToolCall(callId, "system.run", "{\"command\":\"ls -la\"}"));
            CompletionStage<ApprovalDecision> answer = turn.sink.requestApproval(request);
            ApprovalDecision decision = answer.toCompletableFuture().get(20, TimeUnit.SECONDS);
            return AgentReply.answer(turn.sessionId, "decision: " + decision.wireName());
        };
    }

    @Test
    void toolApprovalIsAskedInlineAndTheAnswerReachesTheAgent() throws Exception {
        for (String decision : List.of("approve", "reject", "allow_for_session")) {
            server.gateway.script = asking("call-" + decision);
            try (WsClient client = server.client("c-" + decision)) {
                client.frame("message", "content", "list files");
                JsonNode request = client.next("tool_approval_request");
                assertThat(request.path("call_id").asText()).isEqualTo("call-" + decision);
                assertThat(request.path("tool_name").asText()).isEqualTo("system.run");
                assertThat(request.path("arguments").path("command").asText()).isEqualTo("ls -la");
                client.frame("tool_approval_response", "call_id", "call-" + decision, "decision", decision);
                assertThat(client.next("tool_approval_resolved").path("decision").asText()).isEqualTo(decision);
                assertThat(client.next("response").path("content").asText()).isEqualTo("decision: " + decision);
            }
        }
    }

    @Test
    void theDecisionReachesTheClientsBeforeTheAgentGoesOnAndAWithdrawnQuestionIsResolved() throws Exception {
        server.gateway.script = turn -> {
            CompletionStage<ApprovalDecision> answer = turn.sink.requestApproval(new ApprovalRequest(turn.sessionId, "web",
                    new ToolCall("call-withdrawn", "system.run", "{\"command\":\"ls\"}")));
            answer.toCompletableFuture().cancel(true); // what the agent does when its turn is cancelled
            return AgentReply.answer(turn.sessionId, "gave up waiting");
        };
        try (WsClient client = server.client("c-withdrawn")) {
            client.frame("message", "content", "list files");
            assertThat(client.next("tool_approval_request").path("call_id").asText()).isEqualTo("call-withdrawn");
            JsonNode resolved = client.next();
            assertThat(resolved.path("type").asText()).isEqualTo("tool_approval_resolved");
            assertThat(resolved.path("decision").asText()).isEqualTo("cancelled");
            assertThat(client.next("response").path("content").asText()).isEqualTo("gave up waiting");
        }
        // a decision is sent to the clients before the agent can answer: the frames come in this order every time
        for (int i = 0; i < 20; i++) {
            server.gateway.script = asking("call-" + i);
            try (WsClient client = server.client("c-order-" + i)) {
                client.frame("message", "content", "list files");
                client.next("tool_approval_request");
                client.frame("tool_approval_response", "call_id", "call-" + i, "decision", "approve");
                assertThat(client.next().path("type").asText()).as("%s", client.seen()).isEqualTo("tool_approval_resolved");
                assertThat(client.next().path("type").asText()).as("%s", client.seen()).isEqualTo("response");
            }
        }
    }

    @Test
    void anApprovalWaitDoesNotCountAgainstTheTimeLimit() throws Exception {
        server.close();
        server = new TestServer(TestServer.settings(TestServer.TOKEN, List.of(), Duration.ofSeconds(1), 1024 * 1024));
        server.gateway.script = asking("slow-call");
        try (WsClient client = server.client("c")) {
            client.frame("message", "content", "list files");
            client.next("tool_approval_request");
            Thread.sleep(1_500);
            client.frame("tool_approval_response", "call_id", "slow-call", "decision", "approve");
            JsonNode response = client.next("response");
            assertThat(response.path("is_error").asBoolean()).as(response.toString()).isFalse();
            assertThat(response.path("content").asText()).isEqualTo("decision: approve");
        }
    }

    @Test
    void aPendingQuestionIsAskedAgainWhenTheClientReconnects() throws Exception {
        server.gateway.script = asking("call-9");
        try (WsClient client = server.client("c")) {
            client.frame("message", "content", "list files");
            client.next("tool_approval_request");
        }
        try (WsClient again = WsClient.connect(server.ws(Map.of("token", TestServer.TOKEN, "client_id", "c")))) {
            JsonNode request = again.next("tool_approval_request");
            assertThat(request.path("call_id").asText()).isEqualTo("call-9");
            again.frame("tool_approval_response", "call_id", "call-9", "decision", "deny");
            assertThat(again.next("response").path("content").asText()).isEqualTo("decision: reject");
        }
    }

    @Test
    void approvalAnswersForUnknownCallsOrDecisionsAreErrors() throws Exception {
        try (WsClient client = server.client("c")) {
            client.frame("tool_approval_response", "call_id", "nope", "decision", "approve");
            assertThat(client.next().path("code").asText()).isEqualTo("unknown_call");
            client.frame("tool_approval_response", "call_id", "nope", "decision", "maybe");
            assertThat(client.next().path("code").asText()).isEqualTo("bad_frame");
        }
    }

    @Test
    void anAuthFrameIsCheckedAgain() throws Exception {
        try (WsClient client = server.client("c")) {
            client.frame("auth", "token", TestServer.TOKEN);
            assertThat(client.next().path("success").asBoolean()).isTrue();
            client.frame("auth", "token", "wrong");
            JsonNode failed = client.next();
            assertThat(failed.path("type").asText()).isEqualTo("auth_result");
            assertThat(failed.path("success").asBoolean()).isFalse();
            assertThat(failed.path("error").asText()).isEqualTo("Invalid token");
        }
    }

    @Nested
    class Models {

        final List<String> selections = new ArrayList<>();

        @BeforeEach
        void selector() {
            server.chat.modelSelector = new ModelSelector() {
                volatile ModelChoice current = new ModelChoice("openai", "gpt-4o-mini");

                @Override
                public ModelChoice current() {
                    return current;
                }

                @Override
                public List<String> providers() {
                    return List.of("openai", "anthropic");
                }

                @Override
                public List<ModelInfo> models() {
                    return List.of(new ModelInfo(current.provider(), "gpt-4o-mini", true),
                            new ModelInfo(current.provider(), "gpt-4.1", false));
                }

                @Override
                public ModelChoice select(String provider, String model) throws ConfigException {
                    if (!providers().contains(provider)) {
                        throw new ConfigException(java.nio.file.Path.of("config.toml"), 0, "agent.provider",
                                "unknown provider \"" + provider + "\"");
                    }
                    selections.add(provider + "/" + model);
                    current = new ModelChoice(provider, model);
                    return current;
                }
            };
        }

        @Test
        void theModelListShowsTheCurrentProvidersModels() throws Exception {
            try (WsClient client = server.client("c")) {
                client.frame("model_list_request");
                JsonNode list = client.next("model_list");
                assertThat(list.path("models")).extracting(m -> m.path("model").asText()).containsExactly("gpt-4o-mini", "gpt-4.1");
                assertThat(list.path("models").get(0).path("provider").asText()).isEqualTo("openai");
                assertThat(list.path("models").get(0).path("recommended").asBoolean()).isTrue();
                assertThat(list.path("current").path("model").asText()).isEqualTo("gpt-4o-mini");
            }
        }

        @Test
        void aModelChangeIsAppliedAndAnnouncedToEveryClient() throws Exception {
            try (WsClient client = server.client("c"); WsClient other = server.client("other")) {
                client.frame("model_change", "provider", "anthropic", "model", "claude-sonnet-4");
                JsonNode changed = client.next("model_changed");
                assertThat(changed.path("provider").asText()).isEqualTo("anthropic");
                assertThat(changed.path("model").asText()).isEqualTo("claude-sonnet-4");
                assertThat(other.next("model_changed").path("model").asText()).isEqualTo("claude-sonnet-4");
                client.frame("model_change", "provider", "nonsense", "model", "x");
                JsonNode error = client.next("error");
                assertThat(error.path("code").asText()).isEqualTo("model_change_failed");
                assertThat(error.path("error").asText()).contains("unknown provider");
            }
            assertThat(selections).containsExactly("anthropic/claude-sonnet-4");
        }

        @Test
        void authResultNamesTheCurrentModel() throws Exception {
            try (WsClient client = WsClient.connect(server.ws(Map.of("token", TestServer.TOKEN)))) {
                JsonNode auth = client.handshake();
                assertThat(auth.path("provider").asText()).isEqualTo("openai");
                assertThat(auth.path("model").asText()).isEqualTo("gpt-4o-mini");
            }
        }
    }

    @Test
    void modelAndLoginFramesSayClearlyWhenTheirServiceIsMissing() throws Exception {
        try (WsClient client = server.client("c")) {
            client.frame("model_list_request");
            JsonNode error = client.next("error");
            assertThat(error.path("code").asText()).isEqualTo("unavailable");
            assertThat(error.path("in_reply_to").asText()).isEqualTo("model_list_request");
            client.frame("provider_auth_request");
            assertThat(client.next("error").path("error").asText()).contains("openpista auth login");
        }
    }

    @Nested
    class ProviderLogins {

        final List<String> saved = new ArrayList<>();
        final CompletableFuture<LoginResult> result = new CompletableFuture<>();
        final List<String> codes = new ArrayList<>();

        @BeforeEach
        void auth() {
            server.chat.authService = new AuthService() {
                @Override
                public List<ProviderAuthStatus> providers() {
                    return List.of(
                            new ProviderAuthStatus("openai", "OpenAI", AuthMode.OAUTH, false, true, null, "", null, ""),
                            new ProviderAuthStatus("together", "Together AI", AuthMode.API_KEY, !saved.isEmpty(), true,
                                    null, "", null, ""));
                }

                @Override
                public LoginFlow startLogin(String provider) throws AuthException {
                    if (!provider.equals("openai")) {
                        throw new AuthException(provider + " has no browser login; enter an API key");
                    }
                    return new LoginFlow() {
                        @Override
                        public String provider() {
                            return provider;
                        }

                        @Override
                        public FlowType type() {
                            return FlowType.CODE_DISPLAY;
                        }

                        @Override
                        public URI url() {
                            return URI.create("http://127.0.0.1:1/authorize?state=s");
                        }

                        @Override
                        public String userCode() {
                            return "";
                        }

                        @Override
                        public void submitCode(String code) {
                            codes.add(code);
                            result.complete(new LoginResult(provider, true, "Logged in to OpenAI as ada", "ada"));
                        }

                        @Override
                        public CompletionStage<LoginResult> result() {
                            return result;
                        }

                        @Override
                        public void cancel() {
                            result.complete(LoginResult.failed(provider, "cancelled"));
                        }
                    };
                }

                @Override
                public ProviderAuthStatus saveApiKey(String provider, String apiKey, String endpoint) {
                    saved.add(provider + ":" + apiKey);
                    return providers().get(1);
                }

                @Override
                public boolean logout(String provider) {
                    return false;
                }
            };
        }

        @Test
        void theStatusListsEveryProvider() throws Exception {
            try (WsClient client = server.client("c")) {
                client.frame("provider_auth_request");
                JsonNode status = client.next("provider_auth_status");
                JsonNode openai = status.path("providers").get(0);
                assertThat(openai.path("name").asText()).isEqualTo("openai");
                assertThat(openai.path("display_name").asText()).isEqualTo("OpenAI");
                assertThat(openai.path("auth_mode").asText()).isEqualTo("oauth");
                assertThat(openai.path("authenticated").asBoolean()).isFalse();
                assertThat(openai.path("supports_runtime").asBoolean()).isTrue();
            }
        }

        @Test
        void anApiKeyIsSavedAndNeverEchoed() throws Exception {
            try (WsClient client = server.client("c")) {
                client.frame("provider_login", "provider", "together", "api_key", "sk-secret-value");
                JsonNode done = client.next("provider_auth_completed");
                assertThat(done.path("success").asBoolean()).isTrue();
                assertThat(client.next("provider_auth_status").path("providers").get(1).path("authenticated").asBoolean()).isTrue();
                assertThat(client.seen().toString()).doesNotContain("sk-secret-value");
            }
            assertThat(saved).containsExactly("together:sk-secret-value");
        }

        @Test
        void anOAuthLoginSendsTheUrlAndCompletesWithThePastedCode() throws Exception {
            try (WsClient client = server.client("c")) {
                client.frame("provider_login", "provider", "openai");
                JsonNode url = client.next("provider_auth_url");
                assertThat(url.path("auth_url").asText()).startsWith("http://127.0.0.1:1/authorize");
                assertThat(url.path("flow_type").asText()).isEqualTo("code_display");
                client.frame("provider_login", "provider", "openai", "auth_code", "code-123#s");
                JsonNode done = client.next("provider_auth_completed");
                assertThat(done.path("success").asBoolean()).isTrue();
                assertThat(done.path("message").asText()).contains("ada");
            }
            assertThat(codes).containsExactly("code-123#s");
        }

        @Test
        void aRefusedLoginIsAFailedCompletion() throws Exception {
            try (WsClient client = server.client("c")) {
                client.frame("provider_login", "provider", "together");
                JsonNode done = client.next("provider_auth_completed");
                assertThat(done.path("success").asBoolean()).isFalse();
                assertThat(done.path("message").asText()).contains("enter an API key");
            }
        }
    }

    @Test
    void aScheduledMessageIsDeliveredToTheClient() throws Exception {
        try (WsClient client = server.client("c")) {
            assertThat(server.hub.deliver("c", "good morning")).isEqualTo(1);
            JsonNode response = client.next("response");
            assertThat(response.path("content").asText()).isEqualTo("good morning");
            assertThat(server.hub.deliver("nobody", "x")).isZero();
        }
    }
}
