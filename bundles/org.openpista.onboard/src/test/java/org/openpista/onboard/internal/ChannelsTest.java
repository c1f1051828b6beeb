package org.openpista.onboard.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.openpista.api.config.ConfigFileEditor;

/**
 * The channel step: which commands of the channel bundles it runs with which arguments, what it
 * writes itself, and how a refused Telegram token is asked for again.
 */
class ChannelsTest {

    /** The channel commands, as far as onboarding sees them: installed words, and the exit status of each run. */
    static final class Commands extends OtherCommands {
        final Set<String> installed;
        final List<String> runs = new ArrayList<>();
        final Map<String, Integer> statuses = new LinkedHashMap<>();

        Commands(Set<String> installed) {
            super(null);
            this.installed = installed;
        }

        @Override
        boolean has(String word) {
            return installed.contains(word);
        }

        @Override
        int run(String word, String... args) {
            String line = word + " " + String.join(" ", args);
            runs.add(line);
            return statuses.getOrDefault(line, 0);
        }
    }

    static final class Editor implements ConfigFileEditor {
        final List<String> writes = new ArrayList<>();

        @Override
        public Path setSecret(String section, String key, String value) {
            return set(section, Map.of(key, value));
        }

        @Override
        public Path set(String section, Map<String, ?> values) {
            writes.add(section + " " + values);
            return Path.of("config.toml");
        }
    }

    final Commands commands = new Commands(Set.of("web", "telegram", "whatsapp"));
    final Editor editor = new Editor();
    final ByteArrayOutputStream screen = new ByteArrayOutputStream();
    final PrintStream out = new PrintStream(screen, true, StandardCharsets.UTF_8);
    final Channels channels = new Channels(commands, editor, out);

    Dialog answering(String lines) {
        return new Dialog(new BufferedReader(new StringReader(lines)), out, false);
    }

    @Test
    void theWebChatAndTelegramAreSetUpByTheirOwnCommandsAndWhatsAppIsSwitchedOnWithThePairingExplained() throws Exception {
        List<String> failed = channels.apply(new Channels.Choices(true, "123:abc", "http://127.0.0.1:9/", true), null);

        assertThat(failed).isEmpty();
        assertThat(commands.runs).containsExactly("web setup --enable", "telegram setup --token 123:abc --api-url http://127.0.0.1:9/");
        assertThat(editor.writes).containsExactly("channels.whatsapp {enabled=true}");
        assertThat(screen.toString(StandardCharsets.UTF_8)).contains("openpista whatsapp").contains("Linked devices");
    }

    @Test
    void noWebSwitchesItOffAndNothingGivenChangesNothing() throws Exception {
        assertThat(channels.apply(new Channels.Choices(false, null, null, false), null)).isEmpty();
        assertThat(channels.apply(new Channels.Choices(null, null, null, false), null)).isEmpty();

        assertThat(commands.runs).isEmpty();
        assertThat(editor.writes).containsExactly("channels.web {enabled=false}");
    }

    @Test
    void aRefusedTokenFailsAScriptAndIsAskedForAgainOnATerminal() throws Exception {
        commands.statuses.put("telegram setup --token 1:bad", 1);

        assertThat(channels.apply(new Channels.Choices(null, "1:bad", null, false), null)).containsExactly("telegram");
        assertThat(channels.apply(new Channels.Choices(null, "1:bad", null, false), answering("y\n2:good\n"))).isEmpty();
        assertThat(channels.apply(new Channels.Choices(null, "1:bad", null, false), answering("n\n"))).containsExactly("telegram");

        assertThat(commands.runs).containsExactly("telegram setup --token 1:bad", "telegram setup --token 1:bad",
                "telegram setup --token 2:good", "telegram setup --token 1:bad");
    }

    @Test
    void theQuestionsOfferOnlyInstalledChannelsAndKeepWhatTheOptionsGave() throws Exception {
        Channels.Choices asked = channels.ask(answering("\ny\n42:token\ny\n"), new Channels.Choices(null, null, null, false));
        assertThat(asked).isEqualTo(new Channels.Choices(true, "42:token", null, true));

        Channels onlyWeb = new Channels(new Commands(Set.of("web")), editor, out);
        assertThat(onlyWeb.ask(answering("n\n"), new Channels.Choices(null, null, null, false)))
                .isEqualTo(new Channels.Choices(false, null, null, false));
        assertThat(onlyWeb.ask(answering(""), new Channels.Choices(true, "7:given", "http://x", true)))
                .isEqualTo(new Channels.Choices(true, "7:given", "http://x", true));
    }

    @Test
    void slackAndDiscordAreSetUpByTheirOwnCommandsAndARefusedTokenIsAskedForAgain() throws Exception {
        Commands used = new Commands(Set.of("slack", "discord"));
        Channels all = new Channels(used, editor, out);
        used.statuses.put("discord setup --token bad", 1);
        Channels.Choices choices = new Channels.Choices(null, null, null, false,
                new Channels.SlackTokens("xoxb-1", "xapp-1"), "bad");

        assertThat(all.apply(choices, null)).containsExactly("discord");
        assertThat(all.apply(choices, answering("y\ngood\n"))).isEmpty();
        assertThat(all.apply(new Channels.Choices(null, null, null, false, new Channels.SlackTokens("xoxb-2", null), null),
                null)).isEmpty();

        assertThat(used.runs).containsExactly("slack setup --bot-token xoxb-1 --app-token xapp-1", "discord setup --token bad",
                "slack setup --bot-token xoxb-1 --app-token xapp-1", "discord setup --token bad", "discord setup --token good",
                "slack setup --bot-token xoxb-2");
    }

    @Test
    void slackAndDiscordAreAskedForWhenInstalled() throws Exception {
        Channels all = new Channels(new Commands(Set.of("slack", "discord")), editor, out);

        Channels.Choices asked = all.ask(answering("y\nxoxb-9\nxapp-9\ny\ndiscord-9\n"),
                new Channels.Choices(null, null, null, false));

        assertThat(asked).isEqualTo(new Channels.Choices(null, null, null, false, new Channels.SlackTokens("xoxb-9", "xapp-9"),
                "discord-9"));
        assertThat(all.ask(answering("n\nn\n"), new Channels.Choices(null, null, null, false)))
                .isEqualTo(new Channels.Choices(null, null, null, false));
    }
}
