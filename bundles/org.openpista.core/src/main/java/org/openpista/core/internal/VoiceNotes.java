package org.openpista.core.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.openpista.api.approval.ApprovalDecision;
import org.openpista.api.approval.ApprovalRequest;
import org.openpista.api.channel.AgentReply;
import org.openpista.api.channel.InboundMessage;
import org.openpista.api.channel.ProgressEvent;
import org.openpista.api.channel.ReplySink;
import org.openpista.api.chat.Attachment;
import org.openpista.api.chat.Cancellation;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.llm.SpeechToText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Voice notes become text before their message is stored: each recording is transcribed by the
 * speech-to-text of the selected provider and the transcript joins the message text, so the model
 * reads it in this turn and in every later one (the recording itself stays attached, for the
 * record; providers send no audio). The user sees what was heard above the answer. A provider
 * without speech-to-text, or a failed transcription, leaves a note in the text instead, so the
 * model can say that the voice note was not understood and why.
 */
final class VoiceNotes {

    private static final Logger LOG = LoggerFactory.getLogger(VoiceNotes.class);

    /**
     * A message with its voice notes heard.
     *
     * @param message the message to store, transcripts in its text
     * @param shown what the user is shown above the answer; empty when the message had no recording
     */
    record Heard(InboundMessage message, String shown) {

        /** @return the sink the answer goes through: the channel's, with {@link #shown} above the answer */
        ReplySink sink(ReplySink channel) {
            return shown.isEmpty() ? channel : new ShownAbove(channel, shown);
        }
    }

    private VoiceNotes() {}

    /** @return whether an attachment is a recording, as the media check typed it */
    static boolean isRecording(Attachment attachment) {
        return attachment.mimeType().startsWith("audio/");
    }

    /**
     * Transcribes the recordings of a checked message. Costs nothing for a message without one.
     *
     * @param message a message whose attachment types were set from their content
     * @param speech the selected provider's speech-to-text, or {@code null} when it has none
     * @param provider the selected provider's name, for notes
     * @return the message with the transcripts (or notes) in its text
     */
    static Heard hear(InboundMessage message, SpeechToText speech, String provider) {
        List<Attachment> recordings = message.attachments().stream().filter(VoiceNotes::isRecording).toList();
        if (recordings.isEmpty()) {
            return new Heard(message, "");
        }
        StringBuilder text = new StringBuilder(message.text());
        List<String> shown = new ArrayList<>();
        for (Attachment recording : recordings) {
            if (!text.isEmpty()) {
                text.append("\n\n");
            }
            if (speech == null) {
                text.append("[The user sent a voice note, but the provider \"").append(provider).append("\" has no"
                        + " speech-to-text, so it could not be heard. Ask the user to type it, or to switch to a provider"
                        + " that transcribes voice notes, such as openai.]");
                shown.add("🎤 (voice note not transcribed: the provider \"" + provider + "\" has no speech-to-text)");
                continue;
            }
            try {
                String transcript = speech.transcribe(recording, Cancellation.none());
                text.append("[Voice note, transcribed:] ").append(transcript.isEmpty() ? "(nothing was said)" : transcript);
                shown.add("🎤 “" + (transcript.isEmpty() ? "…" : transcript) + "”");
            } catch (ProviderException | RuntimeException e) {
                String reason = e.getMessage() == null ? e.toString() : e.getMessage();
                LOG.info("A voice note of {} was not transcribed: {}", message.conversationKey(), reason);
                text.append("[The user sent a voice note that could not be transcribed: ").append(reason).append("]");
                shown.add("🎤 (voice note not transcribed: " + reason + ")");
            }
        }
        InboundMessage heard = new InboundMessage(message.channel(), message.conversationKey(), message.sessionId(),
                message.senderId(), text.toString(), message.attachments(), message.metadata());
        return new Heard(heard, String.join("\n", shown));
    }

    /** The channel's sink, with what was heard above a successful answer. */
    private record ShownAbove(ReplySink channel, String shown) implements ReplySink {

        @Override
        public void reply(AgentReply reply) {
            channel.reply(reply.error() ? reply : new AgentReply(reply.sessionId(), shown + "\n\n" + reply.text(), false,
                    reply.attachments()));
        }

        @Override
        public void textDelta(String sessionId, String delta) {
            channel.textDelta(sessionId, delta);
        }

        @Override
        public void progress(ProgressEvent event) {
            channel.progress(event);
        }

        @Override
        public CompletionStage<ApprovalDecision> requestApproval(ApprovalRequest request) {
            return channel.requestApproval(request);
        }
    }
}
