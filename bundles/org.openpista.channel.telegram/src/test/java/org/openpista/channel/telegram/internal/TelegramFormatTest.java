package org.openpista.channel.telegram.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TelegramFormatTest {

    private final TelegramFormat format = new TelegramFormat();

    @Test
    void markdownBecomesTelegramHtml() {
        List<TelegramFormat.Chunk> chunks = format.render("""
                # Disk
                **58 GB** free, see `df -h` and [the docs](https://example.org/a?b=1&c=2).

                - one *item*
                - two

                ```bash
                echo "<hi>" && ls
                ```""");

        assertThat(chunks).hasSize(1);
        assertThat(chunks.get(0).html()).isEqualTo("""
                <b>Disk</b>

                <b>58 GB</b> free, see <code>df -h</code> and <a href="https://example.org/a?b=1&amp;c=2">the docs</a>.

                • one <i>item</i>
                • two

                <pre><code class="language-bash">echo &quot;&lt;hi&gt;&quot; &amp;&amp; ls</code></pre>""");
        assertThat(chunks.get(0).plain()).contains("58 GB free").contains("echo \"<hi>\" && ls").doesNotContain("<b>");
    }

    @Test
    void everythingThatIsNotMarkdownIsEscaped() {
        String html = format.render("a < b && c > d <script>alert(1)</script> <b>not bold</b>").get(0).html();

        assertThat(html).isEqualTo("a &lt; b &amp;&amp; c &gt; d &lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;not bold&lt;/b&gt;");
    }

    @Test
    void unsafeLinksLoseTheirTarget() {
        assertThat(format.render("[click](javascript:alert(1))").get(0).html()).isEqualTo("click");
    }

    @Test
    void longAnswersSplitAtParagraphBoundaries() {
        String paragraph = "word ".repeat(180).strip(); // 899 characters
        String text = String.join("\n\n", java.util.Collections.nCopies(10, paragraph));

        List<TelegramFormat.Chunk> chunks = format.render(text);

        assertThat(chunks).hasSizeGreaterThan(1);
        assertThat(chunks).allSatisfy(chunk -> assertThat(chunk.html().length()).isLessThanOrEqualTo(TelegramFormat.LIMIT));
        // no paragraph is cut in the middle
        assertThat(chunks).allSatisfy(chunk -> assertThat(chunk.html().split("\n\n")).allSatisfy(p -> assertThat(p).isEqualTo(paragraph)));
        assertThat(chunks.stream().mapToInt(chunk -> chunk.html().split("\n\n").length).sum()).isEqualTo(10);
    }

    @Test
    void aHugeCodeBlockIsSplitIntoSeveralPreBlocks() {
        String code = "line of output & more\n".repeat(800);

        List<TelegramFormat.Chunk> chunks = format.render("```\n" + code + "```");

        assertThat(chunks).hasSizeGreaterThan(3);
        assertThat(chunks).allSatisfy(chunk -> {
            assertThat(chunk.html().length()).isLessThanOrEqualTo(TelegramFormat.LIMIT);
            assertThat(chunk.html()).startsWith("<pre>").endsWith("</pre>");
        });
        String joined = String.join("\n", chunks.stream().map(TelegramFormat.Chunk::plain).toList());
        assertThat(joined).isEqualTo(code.substring(0, code.length() - 1));
    }

    @Test
    void oneEndlessLineIsCutHard() {
        List<TelegramFormat.Chunk> chunks = format.render("x".repeat(10_000));

        assertThat(chunks).extracting(chunk -> chunk.html().length()).containsExactly(4096, 4096, 1808);
    }

    @Test
    void plainTextIsEscapedAndSplit() {
        List<TelegramFormat.Chunk> chunks = new TelegramFormat(10).plain("❌ a<b and more text here");

        assertThat(chunks).allSatisfy(chunk -> assertThat(chunk.html().length()).isLessThanOrEqualTo(10));
        assertThat(String.join(" ", chunks.stream().map(TelegramFormat.Chunk::plain).toList())).isEqualTo("❌ a<b and more text here");
    }

    @Test
    void blankTextHasNoChunks() {
        assertThat(format.render("  \n ")).isEmpty();
    }
}
