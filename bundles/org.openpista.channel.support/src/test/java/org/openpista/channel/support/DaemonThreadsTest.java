package org.openpista.channel.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.concurrent.ThreadFactory;
import org.junit.jupiter.api.Test;

/** A channel's threads: daemons, named after their work. */
class DaemonThreadsTest {

    @Test
    void namedThreadsAreDaemonsAllWithTheName() {
        ThreadFactory factory = DaemonThreads.named("telegram-typing");
        Thread first = factory.newThread(() -> {});
        Thread second = factory.newThread(() -> {});

        assertThat(first.isDaemon()).isTrue();
        assertThat(second.isDaemon()).isTrue();
        assertThat(first.getName()).isEqualTo("telegram-typing");
        assertThat(second.getName()).isEqualTo("telegram-typing");
        assertThat(first).isNotSameAs(second);
    }

    @Test
    void numberedThreadsAreCountedFromOne() {
        ThreadFactory factory = DaemonThreads.numbered("slack-http");

        assertThat(factory.newThread(() -> {}).getName()).isEqualTo("slack-http-1");
        assertThat(factory.newThread(() -> {}).getName()).isEqualTo("slack-http-2");
        assertThat(DaemonThreads.numbered("slack-http").newThread(() -> {}).getName()).isEqualTo("slack-http-1");
    }

    @Test
    void theThreadsRunTheTaskWithTheContextClassLoaderGiven() throws Exception {
        try (URLClassLoader bundle = new URLClassLoader(new URL[0])) {
            ClassLoader[] seen = new ClassLoader[1];
            Thread thread = DaemonThreads.named("telegram-http").withContextClassLoader(bundle)
                    .newThread(() -> seen[0] = Thread.currentThread().getContextClassLoader());
            thread.start();
            thread.join(10_000);

            assertThat(seen[0]).isSameAs(bundle);
            assertThat(thread.isDaemon()).isTrue();
            // without one, the creating thread's, as a new Thread has it
            assertThat(DaemonThreads.named("x").newThread(() -> {}).getContextClassLoader())
                    .isSameAs(Thread.currentThread().getContextClassLoader());
        }
    }
}
