package org.openpista.channel.discord.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChunksTest {

    @Test
    void shortTextsStayWholeAndLongOnesAreCutBetweenParagraphs() {
        assertThat(Chunks.split("**hello**")).containsExactly("**hello**");
        assertThat(Chunks.split("  ")).isEmpty();
        String paragraph = "word ".repeat(15).strip();
        assertThat(Chunks.split(paragraph + "\n\n" + paragraph + "\n\n" + paragraph, 100)).containsExactly(paragraph, paragraph,
                paragraph);
    }

    @Test
    void aCodeBlockThatIsCutIsClosedAndReopenedWithItsLanguage() {
        String code = "```java\n" + "int x = 1;\n".repeat(30) + "```";
        List<String> parts = Chunks.split(code, 100);
        assertThat(parts).hasSizeGreaterThan(1).allSatisfy(part -> {
            assertThat(part.length()).isLessThanOrEqualTo(100);
            assertThat(part).startsWith("```java\n").endsWith("```");
        });
        assertThat(String.join("", parts).replace("```\n```java\n", "").replace("\n``````java", ""))
                .contains("int x = 1;");
    }

    @Test
    void aLineWithoutSpacesIsCutHard() {
        assertThat(Chunks.split("x".repeat(250), 100)).allSatisfy(part -> assertThat(part.length()).isLessThanOrEqualTo(100))
                .extracting(String::length).containsExactly(96, 96, 58);
    }
}
