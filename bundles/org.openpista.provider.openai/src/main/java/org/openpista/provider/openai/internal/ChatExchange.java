package org.openpista.provider.openai.internal;

import dev.langchain4j.exception.ContentFilteredException;
import dev.langchain4j.http.client.jdk.JdkHttpClient;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import java.net.http.HttpClient;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.openpista.api.chat.Cancellation;
import org.openpista.api.llm.ChatResponse;
import org.openpista.api.llm.StreamListener;
import org.openpista.api.llm.Usage;
import org.openpista.provider.support.Retrier;
import org.openpista.provider.support.ToolNames;

/**
 * One attempt of a chat request through langchain4j's {@link OpenAiChatModel} or {@link
 * OpenAiStreamingChatModel}, on a fresh {@link TappedHttpClient} so the attempt can be aborted and
 * its response headers read.
 *
 * <p>A streamed answer arrives on the HTTP client's threads; its events are queued and handed to
 * the {@link StreamListener} on the calling thread, in order, while the caller waits. The wait ends
 * on the answer, an error, cancellation, interruption, or when nothing arrived for the timeout.
 */
final class ChatExchange {

    private final Settings settings;
    private final Failures failures;
    private final Cancellation cancellation;
    private final TappedHttpClient tap;

    ChatExchange(Settings settings, HttpClient http, Failures failures, Cancellation cancellation) {
        this.settings = settings;
        this.failures = failures;
        this.cancellation = cancellation;
        this.tap = new TappedHttpClient(http, settings.timeout());
    }

    /** @return the answer of a non-streaming request */
    ChatResponse blocking(dev.langchain4j.model.chat.request.ChatRequest request, ToolNames names, String model)
            throws Retrier.Failure {
        Cancellation.Registration registration = cancellation.onCancel(tap::abort);
        try {
            // the builder's constructor rather than builder(), which searches ServiceLoader for SPI
            // factories on every call; none exist here, and in OSGi the search cannot see bundles anyway
            OpenAiChatModel chat = new OpenAiChatModel.OpenAiChatModelBuilder()
                    .httpClientBuilder(JdkHttpClient.builder().httpClientBuilder(tap.builder()))
                    .baseUrl(settings.baseUrlFor(model))
                    .apiKey(settings.bearerKey())
                    .customHeaders(settings.headers())
                    .customQueryParams(settings.queryParams())
                    .timeout(settings.timeout())
                    .maxRetries(0)
                    .build();
            dev.langchain4j.model.chat.response.ChatResponse answer = chat.chat(request);
            if (ChatMapper.finishReason(answer) == null && !answer.aiMessage().hasToolExecutionRequests()
                    && answer.aiMessage().text() == null) {
                throw new Retrier.Failure(failures.malformed("the answer has no message and no finish_reason", null),
                        tap.headers(), false);
            }
            return ChatMapper.fromWire(answer, names, model);
        } catch (ContentFilteredException refusal) {
            // langchain4j turns the model's refusal into an exception; for the agent it is an answer
            return new ChatResponse(refusal.getMessage(), List.of(), Usage.NONE, "refusal", model, null);
        } catch (RuntimeException e) {
            throw new Retrier.Failure(failures.map(e, tap, cancellation.isCancelled()), tap.headers(), true);
        } finally {
            registration.close();
        }
    }

    /** @return the answer of a streaming request, its text handed to the listener as it arrives */
    ChatResponse streaming(dev.langchain4j.model.chat.request.ChatRequest request, ToolNames names, String model,
            StreamListener listener) throws Retrier.Failure {
        BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        Object cancelled = new Object();
        boolean forwarded = false;
        Cancellation.Registration registration = cancellation.onCancel(() -> {
            tap.abort();
            events.add(cancelled);
        });
        try {
            OpenAiStreamingChatModel chat = new OpenAiStreamingChatModel.OpenAiStreamingChatModelBuilder()
                    .httpClientBuilder(JdkHttpClient.builder().httpClientBuilder(tap.builder()))
                    .baseUrl(settings.baseUrlFor(model))
                    .apiKey(settings.bearerKey())
                    .customHeaders(settings.headers())
                    .customQueryParams(settings.queryParams())
                    .timeout(settings.timeout())
                    .build();
            chat.chat(request, new StreamingChatResponseHandler() {
                @Override
                public void onPartialResponse(String partialResponse) {
                    events.add(new Delta(partialResponse));
                }

                @Override
                public void onCompleteResponse(dev.langchain4j.model.chat.response.ChatResponse completeResponse) {
                    events.add(new Done(completeResponse));
                }

                @Override
                public void onError(Throwable error) {
                    events.add(new Failed(error));
                }
            });
            while (true) {
                Object event = events.poll(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
                if (event == null) {
                    tap.abort();
                    throw new Retrier.Failure(tap.status() == 0 ? failures.noAnswer(null) : failures.stalled(),
                            tap.headers(), !forwarded);
                }
                if (event == cancelled) {
                    throw new Retrier.Failure(failures.cancelled(false), tap.headers(), false);
                }
                if (event instanceof Delta delta) {
                    forwarded = true;
                    try {
                        listener.onTextDelta(delta.text());
                    } catch (RuntimeException e) {
                        throw new ListenerFailure(e);
                    }
                } else if (event instanceof Failed failed) {
                    throw new Retrier.Failure(failures.map(failed.error(), tap, cancellation.isCancelled()), tap.headers(),
                            !forwarded);
                } else if (event instanceof Done done) {
                    if (ChatMapper.finishReason(done.answer()) == null) {
                        // a stream that ends without finish_reason was cut off, or was no chunk stream at all
                        String type = tap.headers().firstValue("content-type").orElse("none");
                        throw new Retrier.Failure(failures.malformed(type.startsWith("text/event-stream")
                                ? "the stream ended without a finish_reason"
                                : "a streamed answer was asked for, but the content type is " + type, null),
                                tap.headers(), false);
                    }
                    return ChatMapper.fromWire(done.answer(), names, model);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Retrier.Failure(failures.cancelled(true), tap.headers(), false);
        } catch (ListenerFailure e) {
            // the listener's own failure is the caller's, not the vendor's: hand it back unchanged
            throw e.getCause();
        } catch (RuntimeException e) {
            throw new Retrier.Failure(failures.map(e, tap, cancellation.isCancelled()), tap.headers(), !forwarded);
        } finally {
            registration.close();
            // the answer is complete or abandoned: either way the connection is not needed any more
            tap.abort();
        }
    }

    /** A piece of answer text. */
    private record Delta(String text) {}

    /** The complete answer. */
    private record Done(dev.langchain4j.model.chat.response.ChatResponse answer) {}

    /** The stream failed. */
    private record Failed(Throwable error) {}

    /** Carries an exception of the caller's listener past the handler for transport failures. */
    private static final class ListenerFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ListenerFailure(RuntimeException cause) {
            super(cause);
        }

        @Override
        public synchronized RuntimeException getCause() {
            return (RuntimeException) super.getCause();
        }
    }
}
