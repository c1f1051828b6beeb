package org.openpista.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.openpista.api.agent.PromptContributor;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.ComponentServiceObjects;

class PromptContributorsTest {

    /** A contributor's service objects: counts gets and ungets, as DS would activate the component at the first get. */
    private static class Served implements ComponentServiceObjects<PromptContributor> {
        final AtomicInteger gets = new AtomicInteger();
        final AtomicInteger ungets = new AtomicInteger();
        private final PromptContributor contributor;
        private final ServiceReference<PromptContributor> reference = new FakeServiceReference<>(Map.of());

        Served(String section) {
            this.contributor = session -> section;
        }

        @Override
        public PromptContributor getService() {
            gets.incrementAndGet();
            return contributor;
        }

        @Override
        public void ungetService(PromptContributor service) {
            ungets.incrementAndGet();
        }

        @Override
        public ServiceReference<PromptContributor> getServiceReference() {
            return reference;
        }
    }

    @Test
    void contributorsAreGotAtTheFirstPromptOnlyAndKept() {
        Served skills = new Served("skills");
        Served mcp = new Served("mcp");
        List<ComponentServiceObjects<PromptContributor>> registered = new CopyOnWriteArrayList<>(List.of(skills, mcp));
        PromptContributors contributors = new PromptContributors(() -> registered);

        assertThat(skills.gets).hasValue(0); // arriving is not using: an idle daemon activates none
        assertThat(contributors.sections()).containsExactly("mcp", "skills"); // highest ranking (last in DS's list) first
        assertThat(contributors.sections()).containsExactly("mcp", "skills");
        assertThat(skills.gets).hasValue(1);
        assertThat(mcp.gets).hasValue(1);
    }

    @Test
    void aContributorThatLeftIsForgottenAndOneThatCameBackIsGotAgain() {
        Served skills = new Served("skills");
        List<ComponentServiceObjects<PromptContributor>> registered = new CopyOnWriteArrayList<>(List.of(skills));
        PromptContributors contributors = new PromptContributors(() -> registered);
        assertThat(contributors.sections()).containsExactly("skills");

        registered.clear();
        assertThat(contributors.sections()).isEmpty();
        Served again = new Served("skills again");
        registered.add(again);
        assertThat(contributors.sections()).containsExactly("skills again");
        assertThat(again.gets).hasValue(1);
    }

    @Test
    void aFailingContributorIsLeftOut() {
        Served good = new Served("good");
        ComponentServiceObjects<PromptContributor> failing = new Served("") {
            @Override
            public PromptContributor getService() {
                return session -> {
                    throw new IllegalStateException("broken");
                };
            }
        };
        PromptContributors contributors = new PromptContributors(() -> List.<ComponentServiceObjects<PromptContributor>>of(good, failing));
        assertThat(contributors.sections()).containsExactly("good");
    }

    @Test
    void turnsAtTheSameTimeGetEachContributorOnceInUse() throws Exception {
        Served skills = new Served("skills");
        PromptContributors contributors = new PromptContributors(() -> List.<ComponentServiceObjects<PromptContributor>>of(skills));
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Thread thread = new Thread(contributors::sections);
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(skills.gets.get() - skills.ungets.get()).isEqualTo(1);
    }
}
