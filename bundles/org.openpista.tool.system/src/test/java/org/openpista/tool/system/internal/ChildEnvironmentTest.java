package org.openpista.tool.system.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChildEnvironmentTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "API_KEY", "my_api_key", "GOOGLE_APIKEY",
        "GITHUB_TOKEN", "TELEGRAM_BOT_TOKEN", "AWS_SESSION_TOKEN", "TOKEN", "gh_token", "TOKEN_FILE",
        "CLIENT_SECRET", "AWS_SECRET_ACCESS_KEY", "SECRETS_DIR", "DB_PASSWORD", "PASSWORD", "MYSQL_PWD_PASSWD",
        "SSH_PRIVATE_KEY",
        "OPENPISTA_API_KEY", "openpista_API_KEY", "OPENPISTA_WEB_TOKEN", "openpista_WEB_TOKEN", "OPENPISTA_PORT",
    })
    void withholdsSecrets(String name) {
        assertThat(ChildEnvironment.isSecret(name)).as(name).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "PATH", "HOME", "LANG", "TERM", "USER", "SHELL", "OPENPISTA_HOME", "openpista_home",
        "OPENPISTA_WORKSPACE", "TOKENIZERS_PARALLELISM", "KEYBOARD", "JAVA_HOME", "AWS_REGION",
    })
    void passesOrdinaryVariables(String name) {
        assertThat(ChildEnvironment.isSecret(name)).as(name).isFalse();
    }

    @Test
    void filterKeepsValuesOfWhatItKeeps() {
        assertThat(ChildEnvironment.filter(Map.of("PATH", "/bin", "OPENAI_API_KEY", "sk-1", "LANG", "C.UTF-8")))
                .containsExactlyInAnyOrderEntriesOf(Map.of("PATH", "/bin", "LANG", "C.UTF-8"));
    }
}
