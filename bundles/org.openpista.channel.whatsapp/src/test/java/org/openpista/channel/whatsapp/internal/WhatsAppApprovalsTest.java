package org.openpista.channel.whatsapp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.openpista.api.approval.ApprovalDecision;
import org.openpista.api.approval.ApprovalRequest;
import org.openpista.api.chat.ToolCall;
import org.openpista.channel.whatsapp.internal.WhatsAppApprovals.Result;

/** Questions bound to one call and one chat; numbered replies and presses answer only what they may. */
class WhatsAppApprovalsTest {

    static final String BOB = "4917000000001";
    static final String EVE = "4917000000002";

    /** A clock the test moves. */
    static final class MovingClock extends Clock {
        Instant now = Instant.parse("2026-01-01T10:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    final MovingClock clock = new MovingClock();
    final WhatsAppApprovals approvals = new WhatsAppApprovals(clock);
    final List<WhatsAppApprovals.Question> asked = new ArrayList<>();
    int messages;

    CompletionStage<ApprovalDecision> ask(String chat, String tool) {
        return approvals.ask(chat, chat + "@s.whatsapp.net", new ApprovalRequest("s-" + chat, "whatsapp",
                new ToolCall("call-" + asked.size(), tool, "{\"command\":\"ls\"}")), (to, question) -> {
                    asked.add(question);
                    return CompletableFuture.completedFuture("MSG-" + ++messages);
                });
    }

    @Test
    void aBareNumberAnswersTheOneOpenQuestionOfItsChatOnly() {
        CompletableFuture<ApprovalDecision> bob = ask(BOB, "system.run").toCompletableFuture();

        assertThat(approvals.numbered(EVE, "1", "")).as("Eve has no question open").isEqualTo(Result.NOT_AN_ANSWER);
        assertThat(bob).isNotDone();
        assertThat(approvals.numbered(BOB, "what?", "")).isEqualTo(Result.NOT_AN_ANSWER);
        assertThat(approvals.numbered(BOB, " 3. ", "")).isEqualTo(Result.ANSWERED);
        assertThat(bob).isCompletedWithValue(ApprovalDecision.ALLOW_FOR_SESSION);
        assertThat(approvals.openCount()).isZero();
    }

    @Test
    void aLateNumberIsRefusedForTenMinutesThenItIsAnOrdinaryMessage() {
        ask(BOB, "system.run");
        assertThat(approvals.numbered(BOB, "2", "")).isEqualTo(Result.ANSWERED);

        assertThat(approvals.numbered(BOB, "1", "")).isEqualTo(Result.NOT_OPEN);
        assertThat(approvals.numbered(BOB, "1", "MSG-1")).as("quoting the closed question").isEqualTo(Result.NOT_OPEN);
        clock.now = clock.now.plus(WhatsAppApprovals.LATE).plus(Duration.ofSeconds(1));
        assertThat(approvals.numbered(BOB, "1", "")).isEqualTo(Result.NOT_AN_ANSWER);
        assertThat(approvals.numbered(BOB, "1", "MSG-1")).as("a quoted closed question stays closed")
                .isEqualTo(Result.NOT_OPEN);
    }

    @Test
    void withTwoQuestionsOpenOnlyAQuoteSaysWhichAndAQuoteFromAnotherChatIsRefused() {
        CompletableFuture<ApprovalDecision> first = ask(BOB, "system.run").toCompletableFuture();
        CompletableFuture<ApprovalDecision> second = ask(BOB, "browser.open").toCompletableFuture();

        assertThat(approvals.numbered(BOB, "1", "")).isEqualTo(Result.NOT_OPEN);
        assertThat(approvals.numbered(EVE, "1", "MSG-2")).isEqualTo(Result.NOT_YOURS);
        assertThat(approvals.numbered(BOB, "1", "MSG-2")).isEqualTo(Result.ANSWERED);
        assertThat(second).isCompletedWithValue(ApprovalDecision.APPROVE);
        assertThat(first).isNotDone();
        assertThat(approvals.numbered(BOB, "2", "")).isEqualTo(Result.ANSWERED);
        assertThat(first).isCompletedWithValue(ApprovalDecision.REJECT);
    }

    @Test
    void aPressNamesItsQuestionAndCountsOnlyFromTheAskedNumberAndOnce() {
        CompletableFuture<ApprovalDecision> answer = ask(BOB, "system.run").toCompletableFuture();
        String id = asked.get(0).id();

        assertThat(approvals.press("ap:" + id + ":a", EVE)).isEqualTo(Result.NOT_YOURS);
        assertThat(approvals.press("ap:unknown:a", BOB)).isEqualTo(Result.NOT_OPEN);
        assertThat(approvals.press("something-else", BOB)).isEqualTo(Result.NOT_AN_ANSWER);
        assertThat(approvals.press(null, BOB)).isEqualTo(Result.NOT_AN_ANSWER);
        assertThat(answer).isNotDone();
        assertThat(approvals.press("ap:" + id + ":d", "+" + BOB)).isEqualTo(Result.ANSWERED);
        assertThat(answer).isCompletedWithValue(ApprovalDecision.REJECT);
        assertThat(approvals.press("ap:" + id + ":a", BOB)).as("answered once").isEqualTo(Result.NOT_OPEN);
        assertThat(answer).isCompletedWithValue(ApprovalDecision.REJECT);
    }

    @Test
    void aQuestionThatCannotBeSentFailsTheApprovalAndACancelledOneCloses() {
        CompletableFuture<ApprovalDecision> failed = approvals.ask(BOB, BOB, new ApprovalRequest("s", "whatsapp",
                new ToolCall("c", "system.run", "{}")), (to, question) -> CompletableFuture.failedFuture(
                        new java.io.IOException("rate limited"))).toCompletableFuture();
        assertThat(failed).isCompletedExceptionally();
        assertThat(approvals.openCount()).isZero();

        CompletableFuture<ApprovalDecision> open = ask(BOB, "system.run").toCompletableFuture();
        approvals.cancelAll();
        assertThat(open).isCancelled();
        assertThat(approvals.numbered(BOB, "1", "")).isEqualTo(Result.NOT_OPEN);
    }

    @Test
    void theQuestionShowsTheCallAndCutsLongArguments() {
        ask(BOB, "system.run");
        assertThat(asked.get(0).text(5)).isEqualTo("🔐 Allow this tool call?\nsystem.run\n{\"com… (11 more characters)");
    }
}
