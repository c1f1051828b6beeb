package org.openpista.core.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.openpista.api.chat.Cancellation;
import org.openpista.api.llm.LlmProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks providers up in the list Declarative Services keeps, and tells requests in flight when
 * their provider service is unregistered (its bundle stopped or updated), which the list alone
 * cannot: a provider object may still be in a list taken a moment ago.
 */
final class TrackedProviders implements ProviderLookup {

    private static final Logger LOG = LoggerFactory.getLogger(TrackedProviders.class);

    private final Supplier<List<LlmProvider>> registered;
    /** Actions waiting for a provider service to leave: the requests in flight to it. */
    private final List<Map.Entry<LlmProvider, Runnable>> whenGone = new CopyOnWriteArrayList<>();
    /** Provider services that were unregistered, whatever the list says at this instant. */
    private final Set<LlmProvider> departed =
            Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    /** @param registered the providers registered now (the component's reference field) */
    TrackedProviders(Supplier<List<LlmProvider>> registered) {
        this.registered = registered;
    }

    /** A provider service was registered. */
    void arrived(LlmProvider provider) {
        departed.remove(provider);
    }

    /** A provider service was unregistered: the requests in flight to it are abandoned. */
    void left(LlmProvider provider) {
        departed.add(provider);
        for (Map.Entry<LlmProvider, Runnable> watch : whenGone) {
            if (watch.getKey() == provider && whenGone.remove(watch)) {
                LOG.info("A provider service left while requests to it were in flight; they are abandoned");
                watch.getValue().run();
            }
        }
    }

    @Override
    public LlmProvider find(String name) {
        for (LlmProvider provider : registered.get()) {
            try {
                if (provider.name().equals(name)) {
                    return provider;
                }
            } catch (RuntimeException | LinkageError e) {
                LOG.debug("A provider service vanished while being looked at", e);
            }
        }
        return null;
    }

    @Override
    public LlmProvider await(String name, Duration timeout, Cancellation cancellation) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            LlmProvider provider = find(name);
            if (provider != null || cancellation.isCancelled() || System.nanoTime() >= deadline) {
                return provider;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    @Override
    public Cancellation.Registration whenGone(LlmProvider provider, Runnable action) {
        Map.Entry<LlmProvider, Runnable> watch = Map.entry(provider, action);
        whenGone.add(watch);
        if (!isRegistered(provider) && whenGone.remove(watch)) {
            action.run();
        }
        return () -> whenGone.remove(watch);
    }

    @Override
    public boolean isRegistered(LlmProvider provider) {
        if (departed.contains(provider)) {
            return false;
        }
        for (LlmProvider current : registered.get()) {
            if (current == provider) {
                return true;
            }
        }
        return false;
    }

    @Override
    public List<String> names() {
        List<String> names = new ArrayList<>();
        for (LlmProvider provider : registered.get()) {
            try {
                names.add(provider.name());
            } catch (RuntimeException | LinkageError e) {
                LOG.debug("A provider service vanished while being listed", e);
            }
        }
        return names;
    }
}
