package org.openpista.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.openpista.api.approval.ApprovalDecision;
import org.openpista.api.approval.ApprovalRequest;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.tool.Tool;

class ApprovalPolicyTest {

    final ApprovalPolicy policy = new ApprovalPolicy();

    static ApprovalRequest request(String channel, String session, String tool) {
        return new ApprovalRequest(session, channel, new ToolCall("id", tool, "{}"));
    }

    @Test
    void defaultIsAsk() {
        policy.configure(Map.of());
        assertThat(policy.modeFor("cli")).isEqualTo(ApprovalMode.ASK);
    }

    @Test
    void autoAppliesLocallyButRemoteChannelsAreAskedUnlessOverridden() {
        policy.configure(Map.of("approval", "auto", "approval.telegram", "auto"));

        assertThat(policy.modeFor("cli")).isEqualTo(ApprovalMode.AUTO);
        assertThat(policy.modeFor("web")).isEqualTo(ApprovalMode.ASK);
        assertThat(policy.modeFor("telegram")).isEqualTo(ApprovalMode.AUTO);
    }

    @Test
    void theAdminShellOfTheDaemonCountsAsLocalButCronDoesNot() {
        policy.configure(Map.of("approval", "auto"));

        assertThat(policy.modeFor("shell")).isEqualTo(ApprovalMode.AUTO);
        assertThat(policy.modeFor("cron")).isEqualTo(ApprovalMode.ASK);
    }

    @Test
    void perChannelDenyWins() {
        policy.configure(Map.of("approval", "auto", "approval.cli", "deny"));
        assertThat(policy.modeFor("cli")).isEqualTo(ApprovalMode.DENY);
    }

    @Test
    void allowForSessionIsRememberedPerSessionAndTool() throws Exception {
        policy.configure(Map.of("approval", "ask"));
        RecordingSink always = RecordingSink.answering(ApprovalDecision.ALLOW_FOR_SESSION);
        RecordingSink never = RecordingSink.answering(ApprovalDecision.REJECT);

        assertThat(policy.decide(request("web", "s1", "system.run"), always).allowed()).isTrue();
        assertThat(policy.decide(request("web", "s1", "system.run"), never).allowed()).isTrue();
        assertThat(policy.decide(request("web", "s1", "browser.click"), never).allowed()).isFalse();
        assertThat(policy.decide(request("web", "s2", "system.run"), never).allowed()).isFalse();
        assertThat(never.questions).hasSize(2);
    }

    @Test
    void aToolsOwnModeIsCombinedWithTheChannels() throws Exception {
        ToolRegistryImpl registry = new ToolRegistryImpl();
        registry.addTool(FakeServiceObjects.of(new FakeTool("mcp.a.ask", ""), new FakeServiceReference<>(Map.of(Tool.NAME, "mcp.a.ask",
                Tool.APPROVAL, "ask"))));
        registry.addTool(FakeServiceObjects.of(new FakeTool("mcp.b.auto", ""), new FakeServiceReference<>(Map.of(Tool.NAME, "mcp.b.auto",
                Tool.APPROVAL, "auto"))));
        registry.addTool(FakeServiceObjects.of(new FakeTool("mcp.c.deny", ""), new FakeServiceReference<>(Map.of(Tool.NAME, "mcp.c.deny",
                Tool.APPROVAL, "deny"))));
        policy.tools = registry;
        RecordingSink yes = RecordingSink.answering(ApprovalDecision.APPROVE);

        // the channel runs tools unasked: a tool of its own "ask" is still asked about
        policy.configure(Map.of("approval", "auto"));
        assertThat(policy.decide(request("cli", "s1", "mcp.a.ask"), yes).allowed()).isTrue();
        assertThat(yes.questions).hasSize(1);
        assertThat(policy.decide(request("cli", "s1", "mcp.c.deny"), yes).reason())
                .isEqualTo("the tool mcp.c.deny is configured with approval = \"deny\"");

        // the channel asks: a tool of its own "auto" runs unasked
        policy.configure(Map.of("approval", "ask"));
        assertThat(policy.decide(request("web", "s1", "mcp.b.auto"), yes).allowed()).isTrue();
        assertThat(yes.questions).hasSize(1);

        // a channel that denies denies every tool
        policy.configure(Map.of("approval", "deny"));
        assertThat(policy.decide(request("cli", "s1", "mcp.b.auto"), yes).allowed()).isFalse();
        assertThat(yes.questions).hasSize(1);
    }

    @Test
    void aFailedQuestionIsARefusalWithTheReason() throws Exception {
        policy.configure(Map.of("approval", "ask"));
        RecordingSink broken = new RecordingSink(request -> CompletableFuture.failedFuture(new IllegalStateException("client gone")));

        var outcome = policy.decide(request("web", "s1", "system.run"), broken);

        assertThat(outcome.allowed()).isFalse();
        assertThat(outcome.reason()).contains("client gone");
    }

    @Test
    void interruptedWaitEndsPromptly() throws Exception {
        policy.configure(Map.of("approval", "ask"));
        RecordingSink silent = new RecordingSink(request -> new CompletableFuture<>());
        Thread caller = Thread.currentThread();
        Thread interrupter = new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException ignored) {
                return;
            }
            caller.interrupt();
        });
        interrupter.start();

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> policy.decide(request("web", "s1", "x"), silent))
                .isInstanceOf(InterruptedException.class);
        interrupter.join();
    }
}
