package org.openpista.tui.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/**
 * The conversation as screen lines: messages, answers (markdown), tool lines, notices. Rendered
 * entries are kept by value and width, so a key press re-renders only what changed: the answer
 * being streamed and the input box, never the whole history.
 */
final class Transcript {

    private static final int CACHED = 2000;
    static final String[] SPINNER = {"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"};

    private final Styles styles;
    private final Markdown markdown;
    private final Map<Key, List<AttributedString>> cache = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, List<AttributedString>> eldest) {
            return size() > CACHED;
        }
    };

    private record Key(Entry entry, int width) {}

    Transcript(Styles styles) {
        this.styles = styles;
        this.markdown = new Markdown(styles);
    }

    /** @return every line of the conversation, the streamed answer of a running turn last */
    List<AttributedString> lines(State state, int width) {
        List<AttributedString> lines = new ArrayList<>();
        for (Entry entry : state.entries()) {
            lines.addAll(cache.computeIfAbsent(new Key(entry, width), key -> render(key.entry(), key.width())));
        }
        State.Turn turn = state.turn();
        if (turn != null && !turn.streamed().isBlank()) {
            lines.addAll(Layout.indent(markdown.render(turn.streamed(), width - 2), new AttributedString("  "),
                    new AttributedString("  ")));
            lines.add(AttributedString.EMPTY);
        }
        return lines;
    }

    private List<AttributedString> render(Entry entry, int width) {
        List<AttributedString> out = new ArrayList<>();
        AttributedString two = new AttributedString("  ");
        switch (entry.kind()) {
            case USER -> {
                AttributedString marker = new AttributedString("› ", styles.user());
                String from = entry.detail().isEmpty() ? "" : " (" + Layout.clean(entry.detail()) + ")";
                AttributedStringBuilder text = new AttributedStringBuilder();
                text.style(styles.bold()).append(Layout.clean(entry.text()));
                if (!from.isEmpty()) {
                    text.style(styles.dim()).append(from);
                }
                out.addAll(Layout.indent(Layout.wrap(text.toAttributedString(), width - 2), marker, two));
            }
            case ASSISTANT -> out.addAll(Layout.indent(markdown.render(entry.text(), width - 2), two, two));
            case TOOL_RUNNING, TOOL_DONE, TOOL_FAILED -> out.add(toolLine(entry, width));
            case NOTICE -> out.addAll(Layout.indent(Layout.wrap(new AttributedString(Layout.clean(entry.text()), styles.dim()),
                    width - 4), new AttributedString("  · ", styles.dim()), new AttributedString("    ")));
            case ERROR -> out.addAll(Layout.indent(Layout.wrap(new AttributedString(Layout.clean(entry.text()), styles.error()),
                    width - 4), new AttributedString("  ✗ ", styles.error()), new AttributedString("    ")));
            default -> { }
        }
        if (entry.kind() != Entry.Kind.TOOL_RUNNING && entry.kind() != Entry.Kind.TOOL_DONE
                && entry.kind() != Entry.Kind.TOOL_FAILED) {
            out.add(AttributedString.EMPTY);
        }
        return out;
    }

    /** One line per tool call: its name and arguments, then the first line of what it returned. */
    private AttributedString toolLine(Entry entry, int width) {
        AttributedStringBuilder line = new AttributedStringBuilder();
        AttributedStyle mark = switch (entry.kind()) {
            case TOOL_DONE -> styles.ok();
            case TOOL_FAILED -> styles.error();
            default -> styles.warning();
        };
        String symbol = switch (entry.kind()) {
            case TOOL_DONE -> "✓";
            case TOOL_FAILED -> "✗";
            default -> "⚙";
        };
        line.append("  ").style(mark).append(symbol).style(styles.plain()).append(" ");
        String tool = Layout.clean(entry.tool());
        line.style(styles.bold()).append(tool).style(styles.dim()).append(" ");
        // the arguments get at most half of what is left, so the result's summary stays visible
        int room = entry.kind() == Entry.Kind.TOOL_RUNNING ? width - Layout.width(tool) - 5
                : Math.max(12, (width - Layout.width(tool) - 8) / 2);
        line.append(Layout.cut(Layout.clean(entry.detail()).replace('\n', ' '), styles.dim(), Math.max(1, room)));
        if (entry.kind() != Entry.Kind.TOOL_RUNNING) {
            line.style(styles.plain()).append(" → ").style(entry.kind() == Entry.Kind.TOOL_FAILED ? styles.error() : styles.plain())
                    .append(entry.text().isEmpty() ? "(no output)" : Layout.clean(entry.text()).replace('\n', ' '));
        }
        return Layout.cut(line.toAttributedString(), width);
    }
}
