package org.openpista.runtime;

import java.io.PrintStream;
import org.openpista.api.channel.TerminalText;

/**
 * The answer of a run served by the daemon on standard output. On a terminal it is shown as the
 * model writes it; elsewhere (a pipe, a file) only the final answer is written, as the command
 * writes it when it runs the turn itself. Either way the text is made safe exactly as {@link
 * TerminalText#safe} makes the whole answer: a line end or a surrogate pair split between two
 * pieces is held back until the next one.
 */
final class AnswerStream {

    private final PrintStream out;
    private final boolean live;
    /** What the model wrote since it was last asked, as it arrived. */
    private final StringBuilder round = new StringBuilder();
    private String held = "";
    /** Whether live text ends without a line end, so anything else printed starts a new line first. */
    private boolean lineOpen;

    /** @param live whether to show the answer as it is written (standard output is a terminal) */
    AnswerStream(PrintStream out, boolean live) {
        this.out = out;
        this.live = live;
    }

    /** A piece of the answer. */
    void delta(String text) {
        if (!live || text.isEmpty()) {
            return;
        }
        round.append(text);
        String shown = held.isEmpty() ? text : held.concat(text);
        char last = shown.charAt(shown.length() - 1);
        int keep = last == '\r' || Character.isHighSurrogate(last) ? 1 : 0;
        held = shown.substring(shown.length() - keep);
        shown = TerminalText.safe(shown.substring(0, shown.length() - keep));
        if (!shown.isEmpty()) {
            out.print(shown);
            out.flush();
            lineOpen = !shown.endsWith("\n");
        }
    }

    /**
     * The model is asked again (after a tool ran): what it wrote so far was not the final answer;
     * it stays on the screen, and the next text starts on a line of its own.
     */
    void newRound() {
        round.setLength(0);
        if (!held.isEmpty()) {
            out.print(TerminalText.safe(held));
            held = "";
            lineOpen = true;
        }
        endLine();
    }

    /** The final answer: what was not shown yet, or all of it. */
    void finish(String answer) {
        if (live && round.toString().equals(answer)) {
            out.print(TerminalText.safe(held));
            out.println();
        } else {
            endLine();
            out.println(TerminalText.safe(answer));
        }
        out.flush();
    }

    /** Ends a line of live text, before something else (an error, a tool's progress) is printed. */
    void endLine() {
        if (lineOpen) {
            out.println();
            out.flush();
            lineOpen = false;
        }
    }
}
