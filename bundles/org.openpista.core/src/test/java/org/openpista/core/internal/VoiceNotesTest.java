package org.openpista.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openpista.api.channel.AgentReply;
import org.openpista.api.channel.InboundMessage;
import org.openpista.api.channel.ReplySink;
import org.openpista.api.chat.Attachment;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.llm.SpeechToText;

class VoiceNotesTest {

    static final byte[] OGG = "OggS\0\2 opus".getBytes(StandardCharsets.ISO_8859_1);
    static final byte[] MP3 = "ID3\4\0 tag".getBytes(StandardCharsets.ISO_8859_1);

    static InboundMessage voice(String text, Attachment... attachments) {
        return InboundMedia.checked(new InboundMessage("telegram", "telegram:1", null, "1", text, List.of(attachments), Map.of()),
                1024);
    }

    @Test
    void recordingsAreTypedByTheirContent() {
        InboundMessage checked = voice("", new Attachment("audio/ogg", "voice.ogg", OGG),
                new Attachment("application/octet-stream", "song", MP3),
                new Attachment("audio/mp4", "memo.m4a", new byte[] {0, 0, 0, 24, 'f', 't', 'y', 'p', 'M', '4', 'A', ' '}));
        assertThat(checked.attachments()).extracting(Attachment::mimeType).containsExactly("audio/ogg", "audio/mpeg", "audio/mp4");
    }

    @Test
    void aMessageWithoutRecordingsIsLeftAloneAndItsSinkToo() {
        InboundMessage message = InboundMessage.text("web", "web:c", "s", "hi");
        VoiceNotes.Heard heard = VoiceNotes.hear(message, (audio, c) -> {
            throw new AssertionError("nothing to transcribe");
        }, "openai");
        ReplySink sink = reply -> { };
        assertThat(heard.message()).isSameAs(message);
        assertThat(heard.sink(sink)).isSameAs(sink);
    }

    @Test
    void theTranscriptJoinsTheTextAndTheUserSeesItAboveTheAnswer() {
        List<Attachment> sent = new ArrayList<>();
        SpeechToText speech = (audio, c) -> {
            sent.add(audio);
            return "buy oat milk";
        };

        VoiceNotes.Heard heard = VoiceNotes.hear(voice("", new Attachment("audio/ogg", "voice.ogg", OGG)), speech, "openai");

        assertThat(sent).extracting(Attachment::name).containsExactly("voice.ogg");
        assertThat(heard.message().text()).isEqualTo("[Voice note, transcribed:] buy oat milk");
        assertThat(heard.message().attachments()).hasSize(1);
        List<AgentReply> replies = new ArrayList<>();
        heard.sink(replies::add).reply(AgentReply.answer("s", "Added to the list."));
        heard.sink(replies::add).reply(AgentReply.failure("s", "the provider failed"));
        assertThat(replies).extracting(AgentReply::text)
                .containsExactly("🎤 “buy oat milk”\n\nAdded to the list.", "the provider failed");
    }

    @Test
    void aProviderWithoutSpeechToTextLeavesANoteForTheModelAndTheUser() {
        VoiceNotes.Heard heard = VoiceNotes.hear(voice("listen", new Attachment("audio/ogg", "", OGG)), null, "anthropic");

        assertThat(heard.message().text()).startsWith("listen\n\n[The user sent a voice note, but the provider \"anthropic\""
                + " has no speech-to-text");
        assertThat(heard.shown()).isEqualTo("🎤 (voice note not transcribed: the provider \"anthropic\" has no speech-to-text)");
    }

    @Test
    void aFailedTranscriptionIsSaidToBoth() {
        SpeechToText failing = (audio, c) -> {
            throw new ProviderException(ProviderException.Kind.RATE_LIMITED, "OpenAI is rate limiting requests (429)");
        };

        VoiceNotes.Heard heard = VoiceNotes.hear(voice("", new Attachment("audio/ogg", "", OGG)), failing, "openai");

        assertThat(heard.message().text()).isEqualTo("[The user sent a voice note that could not be transcribed: OpenAI is"
                + " rate limiting requests (429)]");
        assertThat(heard.shown()).isEqualTo("🎤 (voice note not transcribed: OpenAI is rate limiting requests (429))");
    }
}
