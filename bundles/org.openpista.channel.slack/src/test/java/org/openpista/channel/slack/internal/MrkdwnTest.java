package org.openpista.channel.slack.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MrkdwnTest {

    final Mrkdwn mrkdwn = new Mrkdwn();

    @Test
    void markdownBecomesMrkdwnWithEverythingElseEscaped() {
        assertThat(mrkdwn.render("# Title\n\n**bold**, *italic*, `a<b`, [site](https://x.org/?a=1&b=2) & <@U123>"))
                .containsExactly("*Title*\n\n*bold*, _italic_, `a&lt;b`, <https://x.org/?a=1&b=2|site> &amp; &lt;@U123&gt;");
        assertThat(mrkdwn.render("- one\n- two\n  1. sub\n\n> quoted\n\n```java\nif (a < b) {}\n```"))
                .containsExactly("• one\n• two\n    1. sub\n\n> quoted\n\n```\nif (a &lt; b) {}\n```");
        assertThat(mrkdwn.render("  ")).isEmpty();
        assertThat(mrkdwn.plain("a <b> & c")).containsExactly("a &lt;b&gt; &amp; c");
    }

    @Test
    void longTextsAreCutBetweenParagraphsAndCodeBlocksStayClosed() {
        Mrkdwn small = new Mrkdwn(100);
        String paragraph = "word ".repeat(15).strip();
        List<String> parts = small.render(paragraph + "\n\n" + paragraph + "\n\n" + paragraph);
        assertThat(parts).hasSize(3).allSatisfy(part -> assertThat(part).isEqualTo(paragraph));

        String code = "```\n" + "line of code\n".repeat(20) + "```";
        List<String> blocks = small.render(code);
        assertThat(blocks).hasSizeGreaterThan(1).allSatisfy(part -> {
            assertThat(part.length()).isLessThanOrEqualTo(100);
            assertThat(part).startsWith("```\n").endsWith("\n```");
        });
        String longLine = "x".repeat(250);
        assertThat(small.render(longLine)).allSatisfy(part -> assertThat(part.length()).isLessThanOrEqualTo(100))
                .extracting(String::length).containsExactly(100, 100, 50);
    }
}
