package org.openpista.api.approval;

import java.util.Locale;

/** The owner's answer to one approval request. Wire names are lower case. */
public enum ApprovalDecision {
    /** Run this one call. */
    APPROVE,
    /** Do not run this call; the model is told it was refused. */
    REJECT,
    /** Run this call and later calls of the same tool in the same session without asking. */
    ALLOW_FOR_SESSION;

    /** @return {@code approve}, {@code reject} or {@code allow_for_session} */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param name a wire name; {@code allow}, {@code deny} and {@code allow_for_chat} are accepted too
     * @return the decision
     * @throws IllegalArgumentException for an unknown name
     */
    public static ApprovalDecision fromWireName(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "approve", "allow", "yes" -> APPROVE;
            case "reject", "deny", "no" -> REJECT;
            case "allow_for_session", "allow_for_chat", "always" -> ALLOW_FOR_SESSION;
            default -> throw new IllegalArgumentException("unknown approval decision: " + name);
        };
    }

    /** @return whether the call may run */
    public boolean allows() {
        return this != REJECT;
    }
}
