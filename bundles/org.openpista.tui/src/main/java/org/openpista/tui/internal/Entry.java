package org.openpista.tui.internal;

/**
 * One item of the conversation as the chat screen shows it.
 *
 * @param kind what it is
 * @param text the message, the answer (markdown), the notice, or for a tool the one-line summary of its result
 * @param tool the tool's name, for tool lines
 * @param callId the tool call's id, for tool lines
 * @param detail the tool call's arguments, or where a message came from (a web message)
 */
record Entry(Kind kind, String text, String tool, String callId, String detail) {

    /** What an entry is. */
    enum Kind { USER, ASSISTANT, TOOL_RUNNING, TOOL_DONE, TOOL_FAILED, NOTICE, ERROR }

    Entry {
        text = text == null ? "" : text;
        tool = tool == null ? "" : tool;
        callId = callId == null ? "" : callId;
        detail = detail == null ? "" : detail;
    }

    static Entry user(String text) {
        return new Entry(Kind.USER, text, "", "", "");
    }

    static Entry assistant(String text) {
        return new Entry(Kind.ASSISTANT, text, "", "", "");
    }

    static Entry notice(String text) {
        return new Entry(Kind.NOTICE, text, "", "", "");
    }

    static Entry error(String text) {
        return new Entry(Kind.ERROR, text, "", "", "");
    }

    static Entry toolStarted(String tool, String callId, String arguments) {
        return new Entry(Kind.TOOL_RUNNING, "", tool, callId, arguments);
    }

    /** @return this tool line once the tool ended, with the first line of its result */
    Entry finished(boolean failed, String result) {
        return new Entry(failed ? Kind.TOOL_FAILED : Kind.TOOL_DONE, firstLine(result), tool, callId, detail);
    }

    static String firstLine(String text) {
        String stripped = text == null ? "" : text.strip();
        int end = stripped.indexOf('\n');
        return end < 0 ? stripped : stripped.substring(0, end).strip() + " …";
    }
}
