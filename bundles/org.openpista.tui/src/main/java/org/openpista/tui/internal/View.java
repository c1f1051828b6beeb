package org.openpista.tui.internal;

import java.util.ArrayList;
import java.util.List;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/**
 * Draws a {@link State}: the Home screen (logo, input box, provider and model, recent sessions,
 * key hints) or the Chat screen (header, conversation, approval question, thinking indicator,
 * input box, key hints), with any box over it. The result is exactly {@code height} lines of at
 * most {@code width} columns; the terminal layer only sends what changed.
 */
final class View {

    /** How many recent sessions the Home screen lists. */
    static final int HOME_SESSIONS = 5;
    /** The smallest terminal the screens are laid out for; below it they say so. */
    static final int MIN_WIDTH = 30;
    static final int MIN_HEIGHT = 8;
    private static final int MAX_INPUT_LINES = 6;
    private static final String[] LOGO = {
        "┌─┐┌─┐┌─┐┌┐┌┌─┐┬┌─┐┌┬┐┌─┐",
        "│ │├─┘├┤ │││├─┘│└─┐ │ ├─┤",
        "└─┘┴  └─┘┘└┘┴  ┴└─┘ ┴ ┴ ┴"
    };

    /**
     * A drawn screen.
     *
     * @param lines the rows, top to bottom
     * @param cursorRow where the cursor goes, or -1 to hide it
     * @param cursorColumn its column
     * @param scroll the conversation's scroll position as drawn (at most what there is to scroll)
     */
    record Frame(List<AttributedString> lines, int cursorRow, int cursorColumn, int scroll) {}

    private final Styles styles;
    private final Transcript transcript;
    private final Boxes boxes;

    View(Styles styles) {
        this.styles = styles;
        this.transcript = new Transcript(styles);
        this.boxes = new Boxes(styles);
    }

    Frame render(State state) {
        int width = state.width();
        int height = state.height();
        if (width < MIN_WIDTH || height < MIN_HEIGHT) {
            List<AttributedString> lines = new ArrayList<>();
            lines.add(Layout.cut("Enlarge the terminal to at least " + MIN_WIDTH + "×" + MIN_HEIGHT, styles.warning(),
                    Math.max(1, width)));
            while (lines.size() < height) {
                lines.add(AttributedString.EMPTY);
            }
            return new Frame(lines, -1, 0, state.scroll());
        }
        Frame base = state.screen() == State.Screen.HOME ? home(state) : chat(state);
        return state.overlay() == null ? base : boxes.over(base, state);
    }

    // ----------------------------------------------------------------------------------------------

    private Frame home(State state) {
        int width = state.width();
        int height = state.height();
        int boxWidth = Math.min(72, width - 4);
        InputBox.Drawn input = InputBox.layout(state.input(), boxWidth - 4, 3, false, styles.plain());
        List<AttributedString> body = new ArrayList<>();
        for (String line : LOGO) {
            body.add(centre(new AttributedString(line, styles.logo()), width));
        }
        body.add(centre(new AttributedString("an AI agent that controls your computer, on every messenger", styles.dim()), width));
        body.add(AttributedString.EMPTY);
        int inputTop = body.size();
        body.addAll(box(input.lines(), boxWidth, "Ask anything, or / for commands", state.input().isEmpty(), width));
        List<Commands.Command> palette = Commands.matching(state.input().text());
        if (!palette.isEmpty() && state.overlay() == null) {
            // the palette takes the place of the recent sessions, under the box
            AttributedString indent = new AttributedString(" ".repeat(Math.max(0, (width - boxWidth) / 2)));
            for (AttributedString line : palette(palette, state.completion(), boxWidth, Math.max(1, Math.min(8, height - 14)))) {
                body.add(Markdown.concat(indent, line));
            }
        }
        body.add(centre(modelLine(state), width));
        body.add(AttributedString.EMPTY);
        List<SessionSummary> recent = state.sessions().subList(0, Math.min(HOME_SESSIONS, state.sessions().size()));
        if (!recent.isEmpty() && palette.isEmpty() && height >= 20) {
            body.add(indentTo(new AttributedString("Recent sessions (↑/↓, Enter)", styles.bold()), width, boxWidth));
            for (int i = 0; i < recent.size(); i++) {
                SessionSummary session = recent.get(i);
                AttributedStringBuilder line = new AttributedStringBuilder();
                line.style(i == state.selected() ? styles.selected() : styles.plain())
                        .append(Layout.cut(Layout.clean(session.label()).replace('\n', ' '), styles.plain(), boxWidth - 24)
                                .toString());
                line.style(styles.dim()).append("  " + Sessions.age(session, state.now()));
                body.add(indentTo(Layout.cut(line.toAttributedString(), boxWidth), width, boxWidth));
            }
        }
        int top = Math.max(0, (height - 1 - body.size()) / 2);
        List<AttributedString> lines = new ArrayList<>();
        for (int i = 0; i < top; i++) {
            lines.add(AttributedString.EMPTY);
        }
        lines.addAll(body);
        while (lines.size() > height - 2) {
            lines.remove(lines.size() - 1);
        }
        while (lines.size() < height - 2) {
            lines.add(AttributedString.EMPTY);
        }
        lines.add(statusLine(state, width));
        lines.add(hints(state, "Enter send · Tab commands · ↑/↓ recent · Ctrl-S sessions · Ctrl-C twice quit", width));
        int left = (width - boxWidth) / 2;
        int cursorRow = top + inputTop + 1 + input.cursorRow();
        return new Frame(lines, cursorRow < height - 2 ? cursorRow : -1, left + 2 + input.cursorColumn(), 0);
    }

    private AttributedString modelLine(State state) {
        State.Info info = state.info();
        AttributedStringBuilder line = new AttributedStringBuilder();
        line.style(styles.accent()).append(info.provider().isEmpty() ? "no provider" : info.provider());
        line.style(styles.dim()).append(" · ");
        line.style(styles.plain()).append(info.model().isEmpty() ? "default model" : info.model());
        line.style(styles.dim()).append(" · " + info.mode());
        return line.toAttributedString();
    }

    private Frame chat(State state) {
        int width = state.width();
        int height = state.height();
        List<AttributedString> bottom = new ArrayList<>();
        State.Approval approval = state.approval();
        if (approval != null) {
            bottom.addAll(Boxes.approval(approval, width, styles));
        }
        List<Commands.Command> palette = Commands.matching(state.input().text());
        if (!palette.isEmpty() && state.overlay() == null && approval == null) {
            bottom.addAll(palette(palette, state.completion(), width, Math.max(1, Math.min(8, height - 10))));
        }
        bottom.add(statusLine(state, width));
        int inputLines = Math.min(MAX_INPUT_LINES, Math.max(1, (height - 10) / 3));
        InputBox.Drawn input = InputBox.layout(state.input(), width - 4, inputLines, false, styles.plain());
        int inputTop = bottom.size();
        bottom.addAll(box(input.lines(), width, approval != null ? "answer the question above: y, n or a"
                : state.busy() ? "type to queue a message · Esc cancels" : "Message, or / for commands",
                state.input().isEmpty(), width));
        bottom.add(hints(state, "Enter send · Esc cancel · Tab commands · PgUp/PgDn scroll · Ctrl-S sessions · "
                + "Ctrl-C twice quit", width));
        int room = Math.max(1, height - 1 - bottom.size());
        List<AttributedString> all = transcript.lines(state, width);
        int maxScroll = Math.max(0, all.size() - room);
        int scroll = Math.min(state.scroll(), maxScroll);
        int end = all.size() - scroll;
        List<AttributedString> visible = all.subList(Math.max(0, end - room), end);
        List<AttributedString> lines = new ArrayList<>();
        lines.add(header(state, width, scroll));
        lines.addAll(visible);
        while (lines.size() < 1 + room) {
            lines.add(AttributedString.EMPTY);
        }
        int cursorRow = lines.size() + inputTop + 1 + input.cursorRow();
        lines.addAll(bottom);
        while (lines.size() > height) {
            lines.remove(1);
            cursorRow--;
        }
        return new Frame(lines, cursorRow, 2 + input.cursorColumn(), scroll);
    }

    private AttributedString header(State state, int width, int scroll) {
        AttributedStringBuilder line = new AttributedStringBuilder();
        line.style(styles.bar().bold()).append(" openpista ");
        line.style(styles.bar()).append("│ " + (state.sessionId() == null ? "new session" : state.sessionId()) + " │ ");
        line.append(state.info().provider().isEmpty() ? "no provider" : state.info().provider());
        line.append(state.info().model().isEmpty() ? "" : " · " + state.info().model());
        line.append(" │ " + state.info().mode() + (scroll > 0 ? " │ ↑ " + scroll + " lines" : "") + " ");
        return Layout.pad(line.toAttributedString(), width, styles.bar());
    }

    private AttributedString statusLine(State state, int width) {
        if (!state.flash().isEmpty()) {
            return Layout.cut(" " + state.flash(), styles.warning(), width);
        }
        State.Turn turn = state.turn();
        if (turn == null) {
            return AttributedString.EMPTY;
        }
        long seconds = Math.max(0, (state.now() - turn.since()) / 1000);
        String spinner = Transcript.SPINNER[(int) ((state.now() / 100) % Transcript.SPINNER.length)];
        AttributedStringBuilder line = new AttributedStringBuilder();
        line.style(styles.accent()).append(" " + spinner + " ");
        line.style(styles.plain()).append(turn.activity() + "…");
        line.style(styles.dim()).append(" " + seconds + "s · Esc cancels"
                + (turn.pending() > 1 ? " · " + (turn.pending() - 1) + " more queued" : ""));
        return Layout.cut(line.toAttributedString(), width);
    }

    private AttributedString hints(State state, String text, int width) {
        String shown = state.quitArmedAt() > 0 ? "Press Ctrl-C again to quit" : text;
        return Layout.cut(new AttributedString(" " + shown, styles.dim()), width);
    }

    private List<AttributedString> palette(List<Commands.Command> commands, int chosen, int width, int rows) {
        int selected = Math.floorMod(chosen, commands.size());
        int first = Math.max(0, Math.min(selected - rows + 1, commands.size() - rows));
        List<AttributedString> lines = new ArrayList<>();
        for (int i = first; i < Math.min(commands.size(), first + rows); i++) {
            Commands.Command command = commands.get(i);
            String name = command.argument().isEmpty() ? command.name() : command.name() + " " + command.argument();
            AttributedStringBuilder line = new AttributedStringBuilder();
            AttributedStyle style = i == selected ? styles.selected() : styles.plain();
            line.style(style).append("  " + String.format("%-20s", name));
            line.style(i == selected ? styles.selected() : styles.dim()).append(" " + command.help());
            lines.add(Layout.pad(line.toAttributedString(), width, i == selected ? styles.selected() : styles.plain()));
        }
        return lines;
    }

    /** A rounded box of {@code inner} lines, {@code boxWidth} wide, centred in {@code width}. */
    private List<AttributedString> box(List<AttributedString> inner, int boxWidth, String placeholder, boolean empty,
            int width) {
        List<AttributedString> lines = new ArrayList<>();
        int left = (width - boxWidth) / 2;
        String pad = " ".repeat(left);
        AttributedStyle border = styles.border();
        lines.add(new AttributedStringBuilder().append(pad).style(border).append("╭" + "─".repeat(boxWidth - 2) + "╮")
                .toAttributedString());
        for (int i = 0; i < inner.size(); i++) {
            AttributedString content = empty && i == 0 ? new AttributedString(placeholder, styles.dim()) : inner.get(i);
            AttributedStringBuilder line = new AttributedStringBuilder().append(pad).style(border).append("│ ");
            line.append(Layout.pad(content, boxWidth - 4, styles.plain()));
            line.style(border).append(" │");
            lines.add(line.toAttributedString());
        }
        lines.add(new AttributedStringBuilder().append(pad).style(border).append("╰" + "─".repeat(boxWidth - 2) + "╯")
                .toAttributedString());
        return lines;
    }

    private static AttributedString centre(AttributedString text, int width) {
        int left = Math.max(0, (width - Layout.width(text.toString())) / 2);
        return Markdown.concat(new AttributedString(" ".repeat(left)), Layout.cut(text, width));
    }

    private static AttributedString indentTo(AttributedString text, int width, int boxWidth) {
        return Markdown.concat(new AttributedString(" ".repeat(Math.max(0, (width - boxWidth) / 2 + 2))), text);
    }
}
