package org.openpista.tui.internal;

import org.jline.utils.AttributedStyle;

/**
 * The looks of the UI. With {@code NO_COLOR} set (https://no-color.org) no colour is used at all;
 * bold, underline and reverse video still tell things apart.
 */
final class Styles {

    private final boolean color;

    Styles(boolean color) {
        this.color = color;
    }

    boolean color() {
        return color;
    }

    private AttributedStyle fg(AttributedStyle base, int colour) {
        return color ? base.foreground(colour) : base;
    }

    AttributedStyle plain() {
        return AttributedStyle.DEFAULT;
    }

    AttributedStyle bold() {
        return AttributedStyle.BOLD;
    }

    AttributedStyle dim() {
        return color ? AttributedStyle.DEFAULT.foreground(AttributedStyle.BRIGHT + AttributedStyle.BLACK)
                : AttributedStyle.DEFAULT.faint();
    }

    AttributedStyle accent() {
        return fg(AttributedStyle.BOLD, AttributedStyle.CYAN);
    }

    AttributedStyle logo() {
        return fg(AttributedStyle.BOLD, AttributedStyle.GREEN);
    }

    AttributedStyle user() {
        return fg(AttributedStyle.BOLD, AttributedStyle.BLUE);
    }

    AttributedStyle ok() {
        return fg(AttributedStyle.DEFAULT, AttributedStyle.GREEN);
    }

    AttributedStyle error() {
        return fg(AttributedStyle.BOLD, AttributedStyle.RED);
    }

    AttributedStyle warning() {
        return fg(AttributedStyle.BOLD, AttributedStyle.YELLOW);
    }

    AttributedStyle heading() {
        return fg(AttributedStyle.BOLD, AttributedStyle.MAGENTA);
    }

    AttributedStyle code() {
        return fg(AttributedStyle.DEFAULT, AttributedStyle.YELLOW);
    }

    AttributedStyle link() {
        return fg(AttributedStyle.DEFAULT.underline(), AttributedStyle.CYAN);
    }

    AttributedStyle bar() {
        return color ? AttributedStyle.DEFAULT.background(AttributedStyle.BLUE).foreground(AttributedStyle.WHITE)
                : AttributedStyle.INVERSE;
    }

    AttributedStyle selected() {
        return AttributedStyle.INVERSE;
    }

    AttributedStyle border() {
        return dim();
    }
}
