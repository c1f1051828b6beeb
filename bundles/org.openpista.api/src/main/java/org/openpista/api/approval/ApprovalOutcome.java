package org.openpista.api.approval;

/**
 * Whether a tool call may run, and if not, why (the reason is told to the model and the user).
 *
 * @param allowed whether the call may run
 * @param reason why not; empty when allowed
 */
public record ApprovalOutcome(boolean allowed, String reason) {

    /** @return an outcome that lets the call run */
    public static ApprovalOutcome allow() {
        return new ApprovalOutcome(true, "");
    }

    /** @return an outcome that refuses the call for the given reason */
    public static ApprovalOutcome deny(String reason) {
        return new ApprovalOutcome(false, reason);
    }
}
