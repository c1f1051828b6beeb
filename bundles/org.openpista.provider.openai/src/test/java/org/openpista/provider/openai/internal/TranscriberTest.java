package org.openpista.provider.openai.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openpista.api.chat.Attachment;
import org.openpista.api.chat.Cancellation;
import org.openpista.api.llm.ProviderException;
import org.openpista.provider.support.Retrier;
import org.openpista.testkit.FakeOpenAiServer;

class TranscriberTest {

    private static final byte[] OGG = "OggS\0\2 an opus voice note".getBytes(StandardCharsets.ISO_8859_1);

    private final FakeOpenAiServer server = new FakeOpenAiServer();

    @AfterEach
    void close() {
        server.close();
    }

    private Transcriber transcriber(String preset, String model) {
        Settings settings = new Settings(preset, preset, server.baseUrl().toString(), "sk-voice", "gpt-4o", 0,
                Duration.ofSeconds(10), true);
        return new Transcriber(new OpenAiProvider(settings), model,
                new Retrier(0, Duration.ofMillis(1), Duration.ofMillis(1), (wait, c) -> { }));
    }

    @Test
    void aRecordingGoesUpAsMultipartAndTheTextComesBack() throws Exception {
        server.requireApiKey("sk-voice").transcript("Remind me to water the plants.");

        String text = transcriber("openai", "").transcribe(new Attachment("audio/ogg", "voice.ogg", OGG), Cancellation.none());

        assertThat(text).isEqualTo("Remind me to water the plants.");
        assertThat(server.transcriptions()).singleElement().satisfies(heard -> {
            assertThat(heard.model()).isEqualTo("whisper-1");
            assertThat(heard.fileName()).isEqualTo("voice.ogg");
            assertThat(heard.contentType()).isEqualTo("audio/ogg");
            assertThat(heard.audio()).isEqualTo(OGG);
        });
    }

    @Test
    void theConfiguredModelAndAnExtensionTheEndpointKnowsAreSent() throws Exception {
        server.transcript("hello");

        transcriber("openai", "gpt-4o-mini-transcribe").transcribe(new Attachment("audio/x-m4a", "memo", OGG), Cancellation.none());

        assertThat(server.transcriptions()).singleElement().satisfies(heard -> {
            assertThat(heard.model()).isEqualTo("gpt-4o-mini-transcribe");
            assertThat(heard.fileName()).isEqualTo("voice.m4a");
        });
    }

    @Test
    void aPresetWithoutSpeechToTextSaysWhatToSet() {
        assertThatThrownBy(() -> transcriber("ollama", "").transcribe(new Attachment("audio/ogg", "", OGG), Cancellation.none()))
                .isInstanceOf(ProviderException.class)
                .hasMessage("the provider \"ollama\" has no speech-to-text model: set transcription_model under"
                        + " [providers.ollama] to a model its /audio/transcriptions endpoint serves");
        assertThat(server.transcriptions()).isEmpty();
    }

    @Test
    void aRefusedKeyIsOneLineWithoutTheKey() {
        server.requireApiKey("sk-other");

        assertThatThrownBy(() -> transcriber("openai", "").transcribe(new Attachment("audio/ogg", "", OGG), Cancellation.none()))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("rejected the API key (401)")
                .message().doesNotContain("sk-voice");
    }
}
