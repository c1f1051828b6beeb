package org.openpista.tui.internal;

import java.util.ArrayList;
import java.util.List;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/**
 * The boxes drawn over a screen: the sessions sidebar on the left, pickers, prompts, questions
 * and text boxes in the middle; and the approval question above the input box.
 */
final class Boxes {

    private final Styles styles;

    Boxes(Styles styles) {
        this.styles = styles;
    }

    /** The approval question: the exact call, what to know about the tool, and the keys. */
    static List<AttributedString> approval(State.Approval approval, int width, Styles styles) {
        List<AttributedString> lines = new ArrayList<>();
        AttributedStyle border = styles.warning();
        lines.add(Layout.cut(new AttributedStringBuilder().style(border).append("┌─ Allow this tool call? ")
                .append("─".repeat(Math.max(0, width - 26))).toAttributedString(), width));
        AttributedStringBuilder call = new AttributedStringBuilder();
        call.style(styles.bold()).append(Layout.clean(approval.tool())).style(styles.plain()).append(" ")
                .append(Layout.clean(approval.arguments()).replace('\n', ' '));
        List<AttributedString> body = new ArrayList<>(Layout.wrap(call.toAttributedString(), width - 2));
        if (body.size() > 4) {
            body = new ArrayList<>(body.subList(0, 4));
            body.set(3, Layout.cut(Markdown.concat(body.get(3), new AttributedString(" …")), width - 2));
        }
        if (!approval.note().isBlank()) {
            body.addAll(Layout.wrap(new AttributedString(Layout.clean(approval.note()), styles.warning()), width - 2));
        }
        body.add(new AttributedStringBuilder().style(styles.bold()).append("y").style(styles.plain()).append(" allow   ")
                .style(styles.bold()).append("n").style(styles.plain()).append("/Esc reject   ")
                .style(styles.bold()).append("a").style(styles.plain()).append(" allow for this session").toAttributedString());
        for (AttributedString line : body) {
            lines.add(Markdown.concat(new AttributedString("│ ", border), line));
        }
        return lines;
    }

    /** @return the frame with the state's overlay drawn over it, the cursor in the overlay's input if it has one */
    View.Frame over(View.Frame base, State state) {
        Overlay overlay = state.overlay();
        int width = state.width();
        int height = state.height();
        if (overlay instanceof Overlay.Sidebar sidebar) {
            return sidebar(base, state, sidebar);
        }
        Panel panel = panel(state, overlay, width, height);
        int boxWidth = Math.min(width - 2, Math.max(panel.width, 40));
        int inner = boxWidth - 4;
        List<AttributedString> body = panel.lines.size() > height - 4 ? panel.lines.subList(0, height - 4) : panel.lines;
        List<AttributedString> lines = new ArrayList<>(base.lines());
        int top = Math.max(0, (height - body.size() - 2) / 2);
        int left = (width - boxWidth) / 2;
        AttributedStyle border = styles.accent();
        lines.set(top, Layout.overlay(lines.get(top), title(panel.title, boxWidth, border), left, width));
        for (int i = 0; i < body.size(); i++) {
            AttributedString row = new AttributedStringBuilder().style(border).append("│ ")
                    .append(Layout.pad(body.get(i), inner, styles.plain())).style(border).append(" │").toAttributedString();
            lines.set(top + 1 + i, Layout.overlay(lines.get(top + 1 + i), row, left, width));
        }
        lines.set(top + 1 + body.size(), Layout.overlay(lines.get(top + 1 + body.size()), new AttributedString("└"
                + "─".repeat(boxWidth - 2) + "┘", border), left, width));
        int cursorRow = panel.cursorRow < 0 || panel.cursorRow >= body.size() ? -1 : top + 1 + panel.cursorRow;
        return new View.Frame(lines, cursorRow, left + 2 + panel.cursorColumn, base.scroll());
    }

    private static AttributedString title(String title, int boxWidth, AttributedStyle border) {
        String text = "┌─ " + title + " ";
        return Layout.cut(new AttributedString(text + "─".repeat(Math.max(0, boxWidth - Layout.width(text) - 1)) + "┐", border),
                boxWidth);
    }

    /** What goes in a box: title, lines, where the cursor is (-1: nowhere), how wide it wants to be. */
    private record Panel(String title, List<AttributedString> lines, int cursorRow, int cursorColumn, int width) {}

    private Panel panel(State state, Overlay overlay, int width, int height) {
        int inner = Math.min(width - 6, 76);
        if (overlay instanceof Overlay.Picker picker) {
            return picker(picker, inner, height);
        }
        if (overlay instanceof Overlay.Prompt prompt) {
            List<AttributedString> lines = new ArrayList<>();
            for (String part : prompt.label().split("\n")) {
                lines.addAll(Layout.wrap(new AttributedString(Layout.clean(part)), inner));
            }
            InputBox.Drawn typed = InputBox.layout(prompt.input(), inner - 2, 1, prompt.secret(), styles.plain());
            int row = lines.size();
            lines.add(Markdown.concat(new AttributedString("› ", styles.accent()), typed.lines().get(0)));
            lines.add(new AttributedString("Enter confirms · Esc cancels", styles.dim()));
            return new Panel(prompt.purpose() == Overlay.Prompt.Purpose.TELEGRAM_TOKEN ? "Telegram" : "Log in", lines, row,
                    2 + typed.cursorColumn(), inner + 4);
        }
        if (overlay instanceof Overlay.Confirm confirm) {
            List<AttributedString> lines = new ArrayList<>(Layout.wrap(new AttributedString(Layout.clean(confirm.question())),
                    inner));
            lines.add(new AttributedString("y yes · n no", styles.dim()));
            return new Panel("Are you sure?", lines, -1, 0, Math.min(inner, 60) + 4);
        }
        if (overlay instanceof Overlay.LoginWait wait) {
            List<AttributedString> lines = new ArrayList<>();
            if (wait.url().isEmpty()) {
                lines.add(new AttributedString("Starting the login of " + wait.provider() + "…"));
            } else {
                lines.add(new AttributedString("Open this address in a browser and log in:"));
                lines.addAll(Layout.wrap(new AttributedString(Layout.clean(wait.url()), styles.link()), inner));
                if (!wait.code().isEmpty()) {
                    lines.add(new AttributedStringBuilder().append("and enter the code: ").style(styles.bold())
                            .append(Layout.clean(wait.code())).toAttributedString());
                }
                lines.add(new AttributedString("Waiting for the login to complete…", styles.dim()));
            }
            lines.add(new AttributedString("Esc cancels", styles.dim()));
            return new Panel("Log in to " + wait.provider(), lines, -1, 0, inner + 4);
        }
        if (overlay instanceof Overlay.Pairing pairing) {
            List<AttributedString> lines = new ArrayList<>();
            lines.add(new AttributedStringBuilder().append("State: ").style(styles.bold()).append(Layout.clean(pairing.state()))
                    .toAttributedString());
            if (!pairing.detail().isBlank()) {
                lines.addAll(Layout.wrap(new AttributedString(Layout.clean(pairing.detail())), inner));
            }
            pairing.qr().forEach(row -> lines.add(new AttributedString(row)));
            if (!pairing.qr().isEmpty()) {
                lines.add(new AttributedString("Scan it in WhatsApp: Settings › Linked devices › Link a device", styles.dim()));
            }
            lines.add(new AttributedString("Esc closes", styles.dim()));
            int wide = lines.stream().mapToInt(line -> Layout.width(line.toString())).max().orElse(40);
            return new Panel("WhatsApp", lines, -1, 0, wide + 4);
        }
        Overlay.TextBox box = (Overlay.TextBox) overlay;
        List<AttributedString> lines = new ArrayList<>();
        for (String line : box.lines().subList(Math.min(box.scroll(), box.lines().size()), box.lines().size())) {
            lines.add(Layout.cut(Layout.clean(line), styles.plain(), inner));
        }
        int wide = box.lines().stream().mapToInt(Layout::width).max().orElse(20);
        List<AttributedString> shown = new ArrayList<>(lines.subList(0, Math.min(lines.size(), Math.max(1, height - 5))));
        shown.add(new AttributedString(lines.size() > shown.size() ? "↓ more · Esc closes" : "Esc closes", styles.dim()));
        return new Panel(box.title(), shown, -1, 0, Math.min(inner, wide) + 4);
    }

    private Panel picker(Overlay.Picker picker, int inner, int height) {
        List<AttributedString> lines = new ArrayList<>();
        String title = picker.purpose() == Overlay.Picker.Purpose.LOGIN ? "Log in to which provider?" : "Which model?";
        lines.add(new AttributedStringBuilder().style(styles.bold()).append("Search: ").style(styles.plain())
                .append(Layout.clean(picker.query())).toAttributedString());
        int cursorColumn = 8 + Layout.width(Layout.clean(picker.query()));
        List<Choice> shown = picker.matching();
        if (picker.loading()) {
            lines.add(new AttributedString("loading…", styles.dim()));
        } else if (!picker.error().isEmpty()) {
            lines.addAll(Layout.wrap(new AttributedString(Layout.clean(picker.error()), styles.error()), inner));
        }
        if (!picker.loading() && shown.isEmpty()) {
            lines.add(new AttributedString("nothing matches \"" + Layout.clean(picker.query()) + "\"", styles.dim()));
        }
        int rows = Math.max(3, Math.min(12, height - 10));
        int cursor = Math.min(picker.cursor(), Math.max(0, shown.size() - 1));
        int first = Math.max(0, Math.min(cursor - rows / 2, shown.size() - rows));
        for (int i = first; i < Math.min(shown.size(), first + rows); i++) {
            Choice choice = shown.get(i);
            AttributedStyle style = i == cursor ? styles.selected() : styles.plain();
            String mark = choice.marked() ? (picker.purpose() == Overlay.Picker.Purpose.LOGIN ? " ✓" : " ★") : "";
            AttributedString line = new AttributedString((i == cursor ? "› " : "  ") + Layout.clean(choice.label()) + mark, style);
            lines.add(i == cursor ? Layout.pad(line, inner, style) : line);
        }
        lines.add(new AttributedString("↑/↓ move · type to search · Enter chooses · Esc cancels", styles.dim()));
        return new Panel(title, lines, 0, cursorColumn, inner + 4);
    }

    /** @return the key hints ("a · b · c") on as many lines of {@code width} as they need, never cut in a hint */
    static List<String> packed(String hints, int width) {
        List<String> lines = new ArrayList<>();
        String line = "";
        for (String hint : hints.split(" · ")) {
            String longer = line.isEmpty() ? hint : line + " · " + hint;
            if (!line.isEmpty() && longer.length() + 2 > width) { // room for the " ·" that ends a line
                lines.add(line + " ·");
                line = hint;
            } else {
                line = longer;
            }
        }
        lines.add(line);
        return lines;
    }

    private View.Frame sidebar(View.Frame base, State state, Overlay.Sidebar sidebar) {
        int width = Math.min(state.width() - 10, Math.max(30, state.width() / 3));
        int height = state.height();
        List<AttributedString> lines = new ArrayList<>(base.lines());
        List<AttributedString> panel = new ArrayList<>();
        panel.add(Layout.pad(new AttributedString(" Sessions", styles.bar().bold()), width, styles.bar()));
        String help = switch (sidebar.mode()) {
            case CONFIRM_DELETE -> "delete it? y yes · n no";
            case RENAME -> "new name, Enter · Esc";
            default -> "Enter load · n new · d delete · r rename · Esc";
        };
        for (String line : packed(help, width - 1)) {
            panel.add(Layout.pad(new AttributedString(" " + line, sidebar.mode() == Overlay.Sidebar.Mode.CONFIRM_DELETE
                    ? styles.warning() : styles.dim()), width, styles.plain()));
        }
        List<SessionSummary> sessions = state.sessions();
        int rows = Math.max(1, (height - 1 - panel.size()) / 2);
        int first = Math.max(0, Math.min(sidebar.cursor() - rows / 2, sessions.size() - rows));
        int cursorRow = -1;
        int cursorColumn = 0;
        if (sessions.isEmpty()) {
            panel.add(Layout.pad(new AttributedString(" no sessions yet", styles.dim()), width, styles.plain()));
        }
        for (int i = first; i < Math.min(sessions.size(), first + rows); i++) {
            SessionSummary session = sessions.get(i);
            boolean current = i == sidebar.cursor();
            AttributedStyle style = current ? styles.selected() : session.id().equals(state.sessionId()) ? styles.accent()
                    : styles.plain();
            if (current && sidebar.mode() == Overlay.Sidebar.Mode.RENAME) {
                InputBox.Drawn typed = InputBox.layout(sidebar.name(), width - 3, 1, false, styles.plain());
                panel.add(Layout.pad(Markdown.concat(new AttributedString(" › ", styles.accent()), typed.lines().get(0)), width,
                        styles.plain()));
                cursorRow = panel.size() - 1;
                cursorColumn = 3 + typed.cursorColumn();
            } else {
                panel.add(Layout.pad(new AttributedString(" " + Layout.clean(session.label()).replace('\n', ' '), style), width,
                        style));
            }
            panel.add(Layout.pad(new AttributedString("   " + session.id() + " · " + session.messages() + " msgs · "
                    + Sessions.age(session, state.now()), styles.dim()), width, styles.plain()));
        }
        while (panel.size() < height - 1) {
            panel.add(Layout.pad(AttributedString.EMPTY, width, styles.plain()));
        }
        for (int row = 0; row < Math.min(panel.size(), height - 1); row++) {
            AttributedString edged = Markdown.concat(Layout.cut(panel.get(row), width), new AttributedString("│", styles.border()));
            lines.set(row + 1, Layout.overlay(lines.get(row + 1), edged, 0, state.width()));
        }
        return new View.Frame(lines, cursorRow < 0 ? -1 : cursorRow + 1, cursorColumn, base.scroll());
    }
}
