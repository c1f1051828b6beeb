package org.openpista.channel.slack.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlackApiTest {

    @Test
    void theSdksMetricsThreadsDoNotStayAlive() throws Exception {
        try (SlackApi api = new SlackApi("http://127.0.0.1:9/api", "xoxb-1-2-test", Duration.ofMillis(10))) {
            assertThat(api.slack()).isNotNull();
            // a shut-down executor ends its thread soon after, not at once
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!metricsThreads().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(metricsThreads()).as("threads that wake every second to count API calls nobody reads").isEmpty();
        }
    }

    private static List<String> metricsThreads() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).filter(name -> name.startsWith("slack-api-metrics"))
                .toList();
    }
}
