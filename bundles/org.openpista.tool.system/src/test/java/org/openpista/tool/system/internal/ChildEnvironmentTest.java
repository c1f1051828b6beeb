package org.openpista.tool.system.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChildEnvironmentTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "OPENAI_API_KEY", "OPENPISTA_API_KEY", "openpista_API_KEY", "OPENPISTA_WEB_TOKEN", "DATABASE_URL", "SLACK_WEBHOOK",
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "GITHUB_TOKEN", "TELEGRAM_BOT_TOKEN", "DB_PASSWORD", "REDIS_URL",
        "SENTRY_DSN", "STRIPE_KEY", "JAVA_TOOL_OPTIONS", "LD_PRELOAD", "PLAIN_SETTING", "path",
    })
    void withholdsEverythingNotOnTheList(String name) {
        assertThat(ChildEnvironment.allowed(name)).as(name).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TERM", "TZ", "USER", "OPENPISTA_HOME", "DISPLAY"})
    void passesTheAllowList(String name) {
        assertThat(ChildEnvironment.allowed(name)).as(name).isTrue();
    }

    @Test
    void filterKeepsTheAllowListAndWhatTheOwnerNamed() {
        Map<String, String> daemon = Map.of("PATH", "/bin", "OPENAI_API_KEY", "sk-1", "LANG", "C.UTF-8", "GITHUB_TOKEN", "ghp-2");

        assertThat(ChildEnvironment.filter(daemon, List.of()))
                .containsExactlyInAnyOrderEntriesOf(Map.of("PATH", "/bin", "LANG", "C.UTF-8"));
        assertThat(ChildEnvironment.filter(daemon, List.of("GITHUB_TOKEN")))
                .containsExactlyInAnyOrderEntriesOf(Map.of("PATH", "/bin", "LANG", "C.UTF-8", "GITHUB_TOKEN", "ghp-2"));
    }
}
