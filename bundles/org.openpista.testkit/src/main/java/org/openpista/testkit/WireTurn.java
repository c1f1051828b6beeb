package org.openpista.testkit;

/**
 * One message of a request as a fake server understood it, independent of the wire format.
 *
 * @param role {@code system}, {@code user}, {@code assistant} or {@code tool}
 * @param text the text (for a tool result: its content)
 * @param toolCalls how many tool calls an assistant message carried
 */
public record WireTurn(String role, String text, int toolCalls) {}
