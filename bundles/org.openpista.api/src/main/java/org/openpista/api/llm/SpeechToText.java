package org.openpista.api.llm;

import org.openpista.api.chat.Attachment;
import org.openpista.api.chat.Cancellation;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A provider's speech-to-text endpoint, which turns the voice notes users send into text for the
 * model (OpenAI's {@code /v1/audio/transcriptions}, say).
 *
 * <p>Registered by a provider bundle beside its {@link LlmProvider}, with the same {@value
 * LlmProvider#NAME} service property: the agent transcribes a voice note with the speech-to-text
 * of the provider {@code [agent] provider} selects, and when that provider registers none it tells
 * the model and the user that voice notes cannot be heard with it.
 */
@ConsumerType
public interface SpeechToText {

    /**
     * Transcribes one recording.
     *
     * @param audio the recording (for example {@code audio/ogg} from Telegram, {@code audio/mpeg},
     *     {@code audio/wav}), its type already checked against its content
     * @param cancellation cancelling aborts the request
     * @return the words spoken, possibly empty when nothing was said
     * @throws ProviderException with a one-line message when the recording cannot be transcribed
     *     (no model configured, refused, network)
     */
    String transcribe(Attachment audio, Cancellation cancellation) throws ProviderException;
}
