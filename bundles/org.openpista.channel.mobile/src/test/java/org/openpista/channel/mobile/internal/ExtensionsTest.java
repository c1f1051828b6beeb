package org.openpista.channel.mobile.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openpista.api.approval.ApprovalDecision;
import org.openpista.api.approval.ApprovalRequest;
import org.openpista.api.channel.AgentReply;
import org.openpista.api.chat.ToolCall;

/** The extensions an original client never sends: streaming, approvals, cancel, sessions, subscriptions. */
class ExtensionsTest {

    TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = new TestServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    static ToolCall call() {
        return new ToolCall("call-7", "system.run", "{\"command\":\"rm -rf /tmp/x\"}");
    }

    @Test
    void aStreamingRequestGetsAckDeltasAndTheWholeAnswer() throws Exception {
        server.gateway.script = turn -> {
            turn.sink.textDelta(turn.sessionId, "Hel");
            turn.sink.textDelta(turn.sessionId, "lo");
            return AgentReply.answer(turn.sessionId, "Hello");
        };
        List<JsonNode> frames = TestServer.request(server.client("phone-1"),
                TestServer.message("hi").put("stream", true).put("message_id", "m1"));
        assertThat(frames).extracting(frame -> frame.path("type").asText())
                .containsExactly("message_ack", "response_delta", "response_delta", "response");
        assertThat(frames.get(0).path("message_id").asText()).isEqualTo("m1");
        assertThat(frames.get(1).path("content").asText() + frames.get(2).path("content").asText()).isEqualTo("Hello");
        assertThat(frames.get(3).path("content").asText()).isEqualTo("Hello");
        assertThat(frames.get(3).path("message_id").asText()).isEqualTo("m1");
    }

    @Test
    void anApprovalQuestionIsAnsweredOnAnotherStreamAndBoundToItsCall() throws Exception {
        CompletableFuture<ApprovalDecision> decided = new CompletableFuture<>();
        server.gateway.script = turn -> {
            ApprovalDecision decision = turn.sink.requestApproval(new ApprovalRequest(turn.sessionId, "mobile", call()))
                    .toCompletableFuture().get(30, TimeUnit.SECONDS);
            decided.complete(decision);
            return AgentReply.answer(turn.sessionId, "ran it: " + decision.wireName());
        };
        MobileClient client = server.client("phone-1");
        try (MobileClient.Reply reply = client.open(TestServer.message("clean up").put("stream", true))) {
            assertThat(reply.next().path("type").asText()).isEqualTo("message_ack");
            JsonNode question = reply.next();
            assertThat(question.path("type").asText()).isEqualTo("tool_approval_request");
            assertThat(question.path("call_id").asText()).isEqualTo("call-7");
            assertThat(question.path("tool_name").asText()).isEqualTo("system.run");
            assertThat(question.path("arguments").path("command").asText()).isEqualTo("rm -rf /tmp/x");

            JsonNode wrongCall = TestServer.request(client, Frames.frame("tool_approval_response").put("call_id", "call-8")
                    .put("decision", "approve")).get(0);
            assertThat(wrongCall.path("code").asText()).isEqualTo("unknown_call");
            assertThat(decided).isNotDone();

            JsonNode answered = TestServer.request(client, Frames.frame("tool_approval_response").put("call_id", "call-7")
                    .put("decision", "reject")).get(0);
            assertThat(answered.path("type").asText()).isEqualTo("tool_approval_resolved");
            assertThat(answered.path("decision").asText()).isEqualTo("reject");
            assertThat(reply.next().path("type").asText()).isEqualTo("tool_approval_resolved");
            JsonNode response = reply.next();
            assertThat(response.path("content").asText()).isEqualTo("ran it: reject");
            assertThat(reply.next()).isNull();
        }
        assertThat(decided.get()).isEqualTo(ApprovalDecision.REJECT);
    }

    @Test
    void anOriginalClientIsNeverAskedAndItsToolCallsAreRefused() throws Exception {
        CompletableFuture<Throwable> refusal = new CompletableFuture<>();
        server.gateway.script = turn -> {
            turn.sink.requestApproval(new ApprovalRequest(turn.sessionId, "mobile", call()))
                    .whenComplete((decision, failure) -> refusal.complete(failure));
            return AgentReply.answer(turn.sessionId, "did not run it");
        };
        List<JsonNode> frames = TestServer.request(server.client("phone-1"), TestServer.message("clean up"));
        assertThat(frames).extracting(frame -> frame.path("type").asText()).containsExactly("response");
        assertThat(refusal.get(30, TimeUnit.SECONDS)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aSubscribedDeviceIsAskedForTheTurnOfAnOriginalClientAndHearsDeliveries() throws Exception {
        CompletableFuture<ApprovalDecision> decided = new CompletableFuture<>();
        server.gateway.script = turn -> {
            ApprovalDecision decision = turn.sink.requestApproval(new ApprovalRequest(turn.sessionId, "mobile", call()))
                    .toCompletableFuture().get(30, TimeUnit.SECONDS);
            decided.complete(decision);
            return AgentReply.answer(turn.sessionId, "approved: " + decision.wireName());
        };
        MobileClient app = server.client("phone-1");
        MobileClient original = server.client("phone-1");
        try (MobileClient.Reply pushes = app.open(Frames.frame("subscribe"))) {
            assertThat(pushes.next().path("type").asText()).isEqualTo("subscribed");
            CompletableFuture<JsonNode> answer = CompletableFuture.supplyAsync(() -> ProtocolTest.requestQuietly(original, "go"));
            JsonNode question = pushes.next();
            assertThat(question.path("type").asText()).isEqualTo("tool_approval_request");
            TestServer.request(app, Frames.frame("tool_approval_response").put("call_id", "call-7")
                    .put("decision", "allow_for_session"));
            assertThat(answer.get(30, TimeUnit.SECONDS).path("content").asText()).isEqualTo("approved: allow_for_session");
            assertThat(pushes.next().path("type").asText()).isEqualTo("tool_approval_resolved");

            assertThat(server.hub.deliver("phone-1", "the nightly job finished")).isEqualTo(1);
            JsonNode delivered = pushes.next();
            assertThat(delivered.path("type").asText()).isEqualTo("response");
            assertThat(delivered.path("unsolicited").asBoolean()).isTrue();
            assertThat(delivered.path("content").asText()).isEqualTo("the nightly job finished");
        }
        assertThat(server.hub.deliver("tablet-9", "nobody")).isZero();
    }

    @Test
    void cancelStopsTheSessionsTurnAndItsRequestEnds() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        server.gateway.script = turn -> {
            running.countDown();
            turn.awaitCancel();
            return AgentReply.answer(turn.sessionId, "too late");
        };
        MobileClient client = server.client("phone-1");
        CompletableFuture<JsonNode> answer = CompletableFuture.supplyAsync(() -> ProtocolTest.requestQuietly(client, "long"));
        assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();
        JsonNode cancelled = TestServer.request(client, Frames.frame("cancel_generation")).get(0);
        assertThat(cancelled.path("type").asText()).isEqualTo("generation_cancelled");
        assertThat(cancelled.path("session_id").asText()).isEqualTo("mobile:phone-1");
        assertThat(cancelled.path("cancelled").asInt()).isEqualTo(1);
        JsonNode response = answer.get(30, TimeUnit.SECONDS);
        assertThat(response.path("is_error").asBoolean()).isTrue();
        assertThat(response.path("content").asText()).isEqualTo("Cancelled.");
    }

    @Test
    void sessionsAreListedSwitchedAndStarted() throws Exception {
        MobileClient client = server.client("phone-1");
        TestServer.request(client, TestServer.message("first"));
        JsonNode list = TestServer.request(client, Frames.frame("sessions_request")).get(0);
        assertThat(list.path("sessions").get(0).path("id").asText()).isEqualTo("mobile:phone-1");
        JsonNode history = TestServer.request(client, Frames.frame("session_history_request")).get(0);
        assertThat(history.path("session_id").asText()).isEqualTo("mobile:phone-1");
        assertThat(history.path("messages")).extracting(message -> message.path("role").asText())
                .containsExactly("user", "assistant");

        JsonNode fresh = TestServer.request(client, Frames.frame("session_new")).get(0);
        String newSession = fresh.path("session_id").asText();
        assertThat(newSession).startsWith("mobile:phone-1:");
        assertThat(fresh.path("messages")).isEmpty();
        TestServer.request(client, TestServer.message("second"));
        assertThat(server.gateway.turns.get(1).sessionId).isEqualTo(newSession);

        JsonNode back = TestServer.request(client, Frames.frame("session_history_request").put("session_id", "mobile:phone-1"))
                .get(0);
        assertThat(back.path("messages")).hasSize(2);
        TestServer.request(client, TestServer.message("third"));
        assertThat(server.gateway.turns.get(2).sessionId).isEqualTo("mobile:phone-1");
    }
}
