package org.openpista.core.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.openpista.api.agent.PromptContributor;
import org.osgi.service.component.ComponentServiceObjects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The system prompt's sections from the {@link PromptContributor} services, got at the first prompt
 * rather than when they arrive: a delayed contributor (the skill catalog, with its YAML parser, its
 * scan thread and its skill tools) is not activated by an idle daemon, only by its first turn. Each
 * contributor is got once and kept; Declarative Services ungets it when its service leaves. Safe for
 * turns of several sessions at once.
 */
final class PromptContributors {

    private static final Logger LOG = LoggerFactory.getLogger(PromptContributors.class);

    private final Supplier<List<ComponentServiceObjects<PromptContributor>>> services;
    /** Each contributor got so far, by the service objects DS handed over for it. */
    private final Map<ComponentServiceObjects<PromptContributor>, PromptContributor> got = new IdentityHashMap<>();

    /** @param services the contributors' service objects, in DS's order (ascending ranking) */
    PromptContributors(Supplier<List<ComponentServiceObjects<PromptContributor>>> services) {
        this.services = services;
    }

    /** @return the contributors now registered, highest ranking first; each got at its first use */
    List<PromptContributor> current() {
        List<ComponentServiceObjects<PromptContributor>> now = new ArrayList<>(services.get());
        // DS keeps the list in ascending ranking order; the highest ranking goes first
        Collections.reverse(now);
        List<PromptContributor> contributors = new ArrayList<>();
        Set<ComponentServiceObjects<PromptContributor>> registered = Collections.newSetFromMap(new IdentityHashMap<>());
        registered.addAll(now);
        synchronized (got) {
            got.keySet().retainAll(registered); // forget those that left: DS ungot them
        }
        for (ComponentServiceObjects<PromptContributor> objects : now) {
            PromptContributor contributor = get(objects);
            if (contributor != null) {
                contributors.add(contributor);
            }
        }
        return contributors;
    }

    /** @return one section per contributor; one that fails is left out and logged */
    List<String> sections() {
        List<String> sections = new ArrayList<>();
        for (PromptContributor contributor : current()) {
            try {
                sections.add(contributor.contribute(""));
            } catch (RuntimeException | LinkageError e) {
                LOG.warn("A prompt contributor failed and is left out", e);
            }
        }
        return sections;
    }

    private PromptContributor get(ComponentServiceObjects<PromptContributor> objects) {
        synchronized (got) {
            PromptContributor known = got.get(objects);
            if (known != null) {
                return known;
            }
        }
        PromptContributor contributor;
        try {
            // outside the lock: getting it activates its component, which may take a while
            contributor = objects.getService();
        } catch (RuntimeException e) {
            LOG.warn("A prompt contributor could not be got and is left out", e);
            return null;
        }
        if (contributor == null) {
            return null;
        }
        PromptContributor first;
        synchronized (got) {
            first = got.putIfAbsent(objects, contributor);
        }
        if (first == null) {
            return contributor;
        }
        // another turn got it at the same time: keep one, give the other back
        objects.ungetService(contributor);
        return first;
    }
}
