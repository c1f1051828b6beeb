package org.openpista.provider.openai.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.openpista.api.chat.Attachment;
import org.openpista.api.chat.Cancellation;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.llm.ProviderException.Kind;
import org.openpista.provider.support.HttpTransport;
import org.openpista.provider.support.Retrier;

/**
 * OpenAI's speech-to-text ({@code POST {base}/audio/transcriptions}): the recording goes up as
 * {@code multipart/form-data} ({@code file}, {@code model}, {@code response_format=json}) and the
 * answer is {@code {"text": …}}. The model is {@code transcription_model} of the provider's table,
 * else the preset's ({@code whisper-1} for OpenAI); presets whose hosts have no such endpoint have
 * none, and a voice note then gets a message saying what to set. Written by hand on the shared
 * {@link HttpTransport}, like the chat requests.
 */
final class Transcriber {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final OpenAiProvider provider;
    private final String configuredModel;
    private final Retrier retrier;
    private final HttpTransport transport;

    /**
     * @param provider the chat provider whose endpoint, key or login the requests use
     * @param configuredModel {@code transcription_model}; empty means the preset's
     */
    Transcriber(OpenAiProvider provider, String configuredModel) {
        this(provider, configuredModel, new Retrier(provider.settings().maxRetries(), OpenAiProvider.RETRY_BASE,
                OpenAiProvider.RETRY_CAP, Retrier.SLEEP));
    }

    Transcriber(OpenAiProvider provider, String configuredModel, Retrier retrier) {
        this.provider = provider;
        this.configuredModel = configuredModel == null ? "" : configuredModel.strip();
        this.retrier = retrier;
        this.transport = new HttpTransport(provider.settings().timeout());
    }

    /** @return the model recordings are sent to, or empty when there is none */
    String model() {
        if (!configuredModel.isEmpty()) {
            return configuredModel;
        }
        return provider.settings().preset() == Preset.OPENAI ? "whisper-1" : "";
    }

    String transcribe(Attachment audio, Cancellation cancellation) throws ProviderException {
        Settings effective = provider.effective();
        effective.requireUsable();
        String model = model();
        if (model.isEmpty()) {
            throw new ProviderException(Kind.NOT_CONFIGURED, "the provider \"" + effective.name() + "\" has no speech-to-text"
                    + " model: set transcription_model under [providers." + effective.name() + "] to a model its"
                    + " /audio/transcriptions endpoint serves");
        }
        String boundary = "openpista-" + HexFormat.of().formatHex(RANDOM.generateSeed(12));
        byte[] body = body(boundary, audio, model);
        Failures failures = new Failures(effective);
        URI uri = uri(effective, model);
        Map<String, String> headers = new LinkedHashMap<>(effective.headers());
        headers.put("accept", "application/json");
        return retrier.run(() -> {
            try (HttpTransport.Exchange exchange = transport.post(uri, headers, "multipart/form-data; boundary=" + boundary,
                    body, cancellation, failures.http())) {
                exchange.requireSuccess(failures::status);
                JsonNode answer = JSON.readTree(exchange.readAll());
                if (!answer.path("text").isTextual()) {
                    throw failures.malformed("the transcription has no text", null);
                }
                return answer.path("text").asText().strip();
            } catch (JsonProcessingException e) {
                throw failures.malformed("the transcription is not JSON: " + e.getOriginalMessage(), e);
            }
        }, cancellation, failures.http(), effective.name() + " transcription");
    }

    /** @return where recordings go (Azure: the model's deployment, with {@code api-version}) */
    private static URI uri(Settings effective, String model) {
        if (effective.preset() == Preset.AZURE && !effective.baseUrl().contains("/openai/deployments/")) {
            return URI.create(effective.baseUrl() + "/openai/deployments/" + URLEncoder.encode(model, StandardCharsets.UTF_8)
                    + "/audio/transcriptions?api-version=" + URLEncoder.encode(effective.apiVersion(), StandardCharsets.UTF_8));
        }
        return URI.create(effective.baseUrl() + "/audio/transcriptions");
    }

    /** @return the multipart body: the model, the answer format, then the recording under a name the API knows */
    static byte[] body(String boundary, Attachment audio, String model) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(audio.size() + 512);
        field(out, boundary, "model", model);
        field(out, boundary, "response_format", "json");
        write(out, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName(audio)
                + "\"\r\nContent-Type: " + audio.mimeType() + "\r\n\r\n");
        out.writeBytes(audio.data());
        write(out, "\r\n--" + boundary + "--\r\n");
        return out.toByteArray();
    }

    /**
     * @return a file name whose extension the endpoint takes: it tells the format by the name
     *     (flac, m4a, mp3, mp4, mpeg, mpga, oga, ogg, wav, webm)
     */
    static String fileName(Attachment audio) {
        String extension = switch (audio.mimeType().toLowerCase(Locale.ROOT)) {
            case "audio/ogg", "audio/opus" -> "ogg";
            case "audio/mpeg", "audio/mp3" -> "mp3";
            case "audio/mp4", "audio/m4a", "audio/x-m4a", "audio/aac" -> "m4a";
            case "audio/wav", "audio/x-wav", "audio/wave" -> "wav";
            case "audio/webm" -> "webm";
            case "audio/flac", "audio/x-flac" -> "flac";
            default -> "ogg";
        };
        return "voice." + extension;
    }

    private static void field(ByteArrayOutputStream out, String boundary, String name, String value) {
        write(out, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n");
    }

    private static void write(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }
}
