package org.openpista.core.internal;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import org.openpista.api.llm.ChatRequest;
import org.openpista.api.llm.ChatResponse;
import org.openpista.api.llm.LlmProvider;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.llm.StreamListener;

/** A provider answering from a script of steps, recording every request. */
final class ScriptedProvider implements LlmProvider {

    /** One scripted answer. */
    @FunctionalInterface
    interface Step {
        ChatResponse answer(ChatRequest request, StreamListener listener) throws ProviderException;
    }

    final String name;
    final ConcurrentLinkedDeque<Step> steps = new ConcurrentLinkedDeque<>();
    final List<ChatRequest> requests = new CopyOnWriteArrayList<>();
    volatile Step fallback;

    ScriptedProvider(String name) {
        this.name = name;
    }

    ScriptedProvider then(Step step) {
        steps.add(step);
        return this;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String defaultModel() {
        return "scripted-1";
    }

    @Override
    public ChatResponse chat(ChatRequest request, StreamListener listener) throws ProviderException {
        requests.add(request);
        Step step = steps.poll();
        if (step == null) {
            step = fallback;
        }
        if (step == null) {
            throw new ProviderException(ProviderException.Kind.SERVER, "script exhausted");
        }
        return step.answer(request, listener);
    }

    static ChatResponse text(String text) {
        return new ChatResponse(text, List.of(), null, "stop", "scripted-1", null);
    }

    static ChatResponse calls(org.openpista.api.chat.ToolCall... calls) {
        return new ChatResponse("", List.of(calls), null, "tool_calls", "scripted-1", null);
    }
}
