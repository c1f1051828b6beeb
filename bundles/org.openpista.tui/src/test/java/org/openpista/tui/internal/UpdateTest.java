package org.openpista.tui.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.openpista.api.approval.ApprovalDecision;

class UpdateTest {

    static final long T0 = 1_000_000;

    /** Applies events in order, collecting the effects. */
    static final class Driver {
        State state;
        final List<Effect> effects = new ArrayList<>();
        long now = T0;

        Driver(State state) {
            this.state = state;
        }

        Driver on(Event event) {
            Step step = Update.update(state, event);
            state = step.state();
            effects.addAll(step.effects());
            return this;
        }

        Driver key(Key key) {
            now += 10;
            return on(new Event.KeyPressed(key, now));
        }

        Driver type(String text) {
            text.codePoints().forEach(cp -> key(Key.character(new String(Character.toChars(cp)))));
            return this;
        }

        Driver enter() {
            return key(Key.of(Key.Kind.ENTER));
        }

        <T extends Effect> T last(Class<T> type) {
            for (int i = effects.size() - 1; i >= 0; i--) {
                if (type.isInstance(effects.get(i))) {
                    return type.cast(effects.get(i));
                }
            }
            throw new AssertionError("no " + type.getSimpleName() + " in " + effects);
        }
    }

    static Driver home() {
        return new Driver(State.initial(80, 24));
    }

    static Driver chat(String sessionId) {
        return new Driver(State.initial(80, 24).withSession(sessionId).withScreen(State.Screen.CHAT));
    }

    @Nested
    class Sending {
        @Test
        void aMessageFromHomeStartsANewSessionOnTheChatScreen() {
            Driver ui = home().type("hello").enter();
            assertThat(ui.last(Effect.Send.class)).isEqualTo(new Effect.Send(null, "hello"));
            assertThat(ui.state.screen()).isEqualTo(State.Screen.CHAT);
            assertThat(ui.state.entries()).containsExactly(Entry.user("hello"));
            assertThat(ui.state.input().isEmpty()).isTrue();
            assertThat(ui.state.turn().activity()).isEqualTo("thinking");
            ui.on(new Event.SessionAssigned("tui-1"));
            assertThat(ui.state.sessionId()).isEqualTo("tui-1");
        }

        @Test
        void theAnswerStreamsThenStandsAsAnEntry() {
            Driver ui = chat("s").type("hi").enter();
            ui.on(new Event.TextDelta("s", "Hel")).on(new Event.TextDelta("s", "lo"));
            assertThat(ui.state.turn().streamed()).isEqualTo("Hello");
            assertThat(ui.state.turn().activity()).isEqualTo("answering");
            ui.on(new Event.Replied("s", "Hello!", false));
            assertThat(ui.state.turn()).isNull();
            assertThat(ui.state.entries()).containsExactly(Entry.user("hi"), Entry.assistant("Hello!"));
        }

        @Test
        void piecesOfAnotherSessionAreNotShown() {
            Driver ui = chat("s").on(new Event.TextDelta("other", "x")).on(new Event.Replied("other", "y", false));
            assertThat(ui.state.turn()).isNull();
            assertThat(ui.state.entries()).isEmpty();
        }

        @Test
        void blankInputSendsNothingAndAlt_EnterAddsALine() {
            Driver ui = chat("s").enter().type("a").key(Key.of(Key.Kind.NEWLINE)).type("b");
            assertThat(ui.effects).isEmpty();
            assertThat(ui.state.input().text()).isEqualTo("a\nb");
        }

        @Test
        void aMessageFromTheWebChatAppearsWithItsTurn() {
            Driver ui = chat("s").on(new Event.UserMessage("s", "from the browser", "web"));
            assertThat(ui.state.entries()).containsExactly(new Entry(Entry.Kind.USER, "from the browser", "", "", "web"));
            assertThat(ui.state.busy()).isTrue();
            ui.on(new Event.Replied("s", "answer", false));
            assertThat(ui.state.busy()).isFalse();
        }

        @Test
        void aTelegramMessageStreamsItsAnswerLiveAndOtherSessionsStayOut() {
            Driver ui = chat("telegram:42")
                    .on(new Event.UserMessage("elsewhere", "not shown", "slack"))
                    .on(new Event.UserMessage("telegram:42", "from the bot", "telegram"))
                    .on(new Event.TextDelta("telegram:42", "Hi "))
                    .on(new Event.TextDelta("telegram:42", "there"));
            assertThat(ui.state.entries()).containsExactly(new Entry(Entry.Kind.USER, "from the bot", "", "", "telegram"));
            assertThat(ui.state.turn().streamed()).isEqualTo("Hi there");
            ui.on(new Event.Replied("telegram:42", "Hi there", false));
            assertThat(ui.state.entries()).endsWith(Entry.assistant("Hi there"));
            assertThat(ui.state.busy()).isFalse();
        }

        @Test
        void errorsAreShownAsErrors() {
            Driver ui = chat("s").type("x").enter().on(new Event.Replied("s", "provider said no", true));
            assertThat(ui.state.entries().get(1)).isEqualTo(Entry.error("provider said no"));
        }
    }

    @Nested
    class Tools {
        @Test
        void aToolLineShowsTheCallThenTheFirstLineOfItsResult() {
            Driver ui = chat("s").type("run it").enter()
                    .on(new Event.TextDelta("s", "Let me look."))
                    .on(new Event.Progress("s", Event.Progress.Kind.TOOL_STARTED, "system.run", "c1", "{\"command\":\"ls\"}"));
            assertThat(ui.state.entries()).contains(Entry.assistant("Let me look."),
                    Entry.toolStarted("system.run", "c1", "{\"command\":\"ls\"}"));
            assertThat(ui.state.turn().activity()).isEqualTo("running system.run");
            ui.on(new Event.Progress("s", Event.Progress.Kind.TOOL_FINISHED, "system.run", "c1", "a.txt\nb.txt"));
            Entry line = ui.state.entries().get(2);
            assertThat(line.kind()).isEqualTo(Entry.Kind.TOOL_DONE);
            assertThat(line.text()).isEqualTo("a.txt …");
            ui.on(new Event.Progress("s", Event.Progress.Kind.TOOL_STARTED, "x", "c2", ""))
                    .on(new Event.Progress("s", Event.Progress.Kind.TOOL_FAILED, "x", "c2", "boom"));
            assertThat(ui.state.entries().get(3).kind()).isEqualTo(Entry.Kind.TOOL_FAILED);
        }
    }

    @Nested
    class Approvals {
        Driver asked() {
            return chat("s").type("go").enter().on(new Event.ApprovalAsked("s", "c1", "system.run", "{\"command\":\"rm x\"}",
                    "runs on the host"));
        }

        @Test
        void yAllowsTheExactCall() {
            Driver ui = asked();
            assertThat(ui.state.approval().arguments()).isEqualTo("{\"command\":\"rm x\"}");
            ui.type("y");
            assertThat(ui.last(Effect.Answer.class)).isEqualTo(new Effect.Answer("s", "c1", ApprovalDecision.APPROVE));
            assertThat(ui.state.approval()).isNull();
            assertThat(ui.state.input().isEmpty()).as("the key is an answer, not text").isTrue();
        }

        @Test
        void nAndEscReject_aAllowsForTheSession() {
            assertThat(asked().type("n").last(Effect.Answer.class).decision()).isEqualTo(ApprovalDecision.REJECT);
            assertThat(asked().key(Key.of(Key.Kind.ESC)).last(Effect.Answer.class).decision()).isEqualTo(ApprovalDecision.REJECT);
            assertThat(asked().type("a").last(Effect.Answer.class).decision()).isEqualTo(ApprovalDecision.ALLOW_FOR_SESSION);
        }

        @Test
        void otherKeysAreNotAnswers() {
            Driver ui = asked().type("x");
            assertThat(ui.effects).noneMatch(Effect.Answer.class::isInstance);
            assertThat(ui.state.flash()).contains("y allow");
        }

        @Test
        void aQuestionAnsweredElsewhereGoesAway() {
            assertThat(asked().on(new Event.ApprovalResolved("c1")).state.approval()).isNull();
        }
    }

    @Nested
    class CancelAndQuit {
        @Test
        void escCancelsTheRunningTurn() {
            Driver ui = chat("s").type("x").enter().key(Key.of(Key.Kind.ESC));
            assertThat(ui.last(Effect.Cancel.class)).isEqualTo(new Effect.Cancel("s"));
        }

        @Test
        void whatWasStreamedBeforeTheCancelStaysAboveTheReason() {
            Driver ui = chat("s").type("x").enter().on(new Event.TextDelta("s", "Half an ans"))
                    .key(Key.of(Key.Kind.ESC)).on(new Event.Replied("s", "Cancelled.", true));
            assertThat(ui.state.entries()).containsExactly(Entry.user("x"), Entry.assistant("Half an ans"),
                    Entry.error("Cancelled."));
            assertThat(ui.state.busy()).isFalse();
        }

        @Test
        void ctrlCTwiceQuits() {
            Driver ui = home().type("draft").key(Key.ctrl('c'));
            assertThat(ui.state.exit()).isFalse();
            assertThat(ui.state.input().isEmpty()).isTrue();
            assertThat(ui.state.flash()).contains("Ctrl-C again");
            ui.key(Key.ctrl('c'));
            assertThat(ui.state.exit()).isTrue();
            assertThat(ui.last(Effect.Quit.class)).isNotNull();
        }

        @Test
        void ctrlCTwiceTooSlowlyDoesNotQuit() {
            Driver ui = home().key(Key.ctrl('c'));
            ui.on(new Event.Tick(ui.now + State.QUIT_WINDOW + 1));
            assertThat(ui.state.quitArmedAt()).isZero();
            ui.now += State.QUIT_WINDOW + 10;
            ui.key(Key.ctrl('c'));
            assertThat(ui.state.exit()).isFalse();
        }

        @Test
        void quitAndExitLeave() {
            assertThat(home().type("/quit").enter().state.exit()).isTrue();
            assertThat(home().type("/exit").enter().last(Effect.Quit.class)).isNotNull();
        }

        @Test
        void aLostTerminalEndsTheUi() {
            assertThat(home().on(new Event.Hangup()).state.exit()).isTrue();
        }
    }

    @Nested
    class SlashCommands {
        @Test
        void aSlashLineIsNeverSentToTheModel() {
            for (String line : List.of("/model list", "/help", "/session", "/whatever", "/web", "/telegram status")) {
                Driver ui = chat("s").type(line).enter();
                assertThat(ui.effects).as(line).noneMatch(Effect.Send.class::isInstance);
            }
        }

        @Test
        void modelTakesOneNameAndMoreWordsAreNoModel() {
            Driver ui = chat("s").type("/model list please").enter();
            assertThat(ui.effects).noneMatch(Effect.SelectModel.class::isInstance).noneMatch(Effect.Send.class::isInstance);
            assertThat(ui.state.flash()).contains("/model NAME");
            ui = chat("s").type("/model gpt-4.1 now").enter();
            assertThat(ui.effects).noneMatch(Effect.SelectModel.class::isInstance);
            assertThat(chat("s").type("/model gpt-4.1").enter().last(Effect.SelectModel.class))
                    .isEqualTo(new Effect.SelectModel("", "gpt-4.1"));
            assertThat(chat("s").type("/model list").enter().last(Effect.LoadModels.class)).isNotNull();
        }

        @Test
        void tabCompletesCommands() {
            Driver ui = home().key(Key.of(Key.Kind.TAB));
            assertThat(ui.state.input().text()).isEqualTo("/");
            ui = home().type("/mo").key(Key.of(Key.Kind.TAB));
            assertThat(ui.state.input().text()).isEqualTo("/model");
            assertThat(Commands.matching("/model")).extracting(Commands.Command::name).containsExactly("/model", "/model list");
            ui.key(Key.of(Key.Kind.TAB));
            assertThat(ui.state.completion()).isEqualTo(1);
            ui.enter();
            assertThat(ui.state.overlay()).isEqualTo(new Overlay.TextBox("Models", List.of("loading…"), 0));
            assertThat(ui.last(Effect.LoadModels.class)).isNotNull();
            ui = home().type("/session l").key(Key.of(Key.Kind.TAB));
            assertThat(ui.state.input().text()).isEqualTo("/session load ");
        }

        @Test
        void tabCompletesSessionIds() {
            Driver ui = home().on(new Event.SessionsLoaded(List.of(summary("tui-20260101-a"), summary("web:abc"))))
                    .type("/session load tu").key(Key.of(Key.Kind.TAB));
            assertThat(ui.state.input().text()).isEqualTo("/session load tui-20260101-a");
            ui.enter();
            assertThat(ui.last(Effect.OpenSession.class)).isEqualTo(new Effect.OpenSession("tui-20260101-a"));
        }

        @Test
        void enterInThePaletteRunsTheChosenCommand() {
            Driver ui = home().type("/he").enter();
            assertThat(ui.state.overlay()).isInstanceOf(Overlay.TextBox.class);
            ui.key(Key.of(Key.Kind.ESC));
            assertThat(ui.state.overlay()).isNull();
            ui = home().type("/session d").enter();
            assertThat(ui.state.input().text()).as("a command that takes an argument waits for it").isEqualTo("/session delete ");
        }

        @Test
        void sessionCommands() {
            Driver ui = chat("s").type("/session delete old").enter();
            assertThat(ui.state.overlay()).isInstanceOf(Overlay.Confirm.class);
            ui.type("y");
            assertThat(ui.last(Effect.DeleteSession.class)).isEqualTo(new Effect.DeleteSession("old"));
            ui = chat("s").type("/session new").enter();
            assertThat(ui.state.sessionId()).isNull();
            assertThat(ui.state.entries()).isEmpty();
            ui = chat("s").type("/session").enter();
            assertThat(ui.state.overlay()).isInstanceOf(Overlay.Sidebar.class);
            assertThat(ui.last(Effect.LoadSessions.class)).isNotNull();
        }

        @Test
        void clearEmptiesTheScreenOnly() {
            Driver ui = chat("s").type("x").enter().on(new Event.Replied("s", "y", false)).type("/clear").enter();
            assertThat(ui.state.entries()).isEmpty();
            assertThat(ui.state.sessionId()).isEqualTo("s");
        }

        @Test
        void channelCommandsRunTheirCommandLineCounterparts() {
            assertThat(home().type("/web setup").enter().last(Effect.RunCommand.class).words())
                    .containsExactly("web", "setup", "--enable", "--yes");
            assertThat(home().type("/whatsapp status").enter().last(Effect.RunCommand.class).words())
                    .containsExactly("whatsapp", "status");
            assertThat(home().type("/telegram status").enter().last(Effect.RunCommand.class).words())
                    .containsExactly("telegram", "status");
            assertThat(home().type("/qr").enter().last(Effect.WebInfo.class).qr()).isTrue();
            assertThat(home().type("/web").enter().last(Effect.WebInfo.class).qr()).isFalse();
            Driver telegram = home().type("/telegram").enter();
            assertThat(telegram.state.overlay()).isInstanceOf(Overlay.Prompt.class);
            telegram.type("123:abc").enter();
            assertThat(telegram.last(Effect.RunCommand.class).words()).containsExactly("telegram", "setup", "--token", "123:abc");
            Driver whatsapp = home().type("/whatsapp").enter();
            assertThat(whatsapp.last(Effect.WatchPairing.class)).isEqualTo(new Effect.WatchPairing("whatsapp", true));
            whatsapp.on(new Event.Pairing("whatsapp", "waiting_for_scan", "", List.of("█▀█")));
            assertThat(((Overlay.Pairing) whatsapp.state.overlay()).qr()).containsExactly("█▀█");
            whatsapp.key(Key.of(Key.Kind.ESC));
            assertThat(whatsapp.last(Effect.WatchPairing.class)).isEqualTo(new Effect.WatchPairing("whatsapp", false));
        }

        @Test
        void usageRunsTheUsageCommandWithItsOptions() {
            assertThat(home().type("/usage").enter().last(Effect.RunCommand.class))
                    .isEqualTo(new Effect.RunCommand(List.of("usage"), "Usage"));
            assertThat(chat("s").type("/usage 30d session").enter().last(Effect.RunCommand.class).words())
                    .containsExactly("usage", "--since", "30d", "--by", "session");
            assertThat(home().type("/usage --by channel --since 2026-01-31").enter().last(Effect.RunCommand.class).words())
                    .containsExactly("usage", "--by", "channel", "--since", "2026-01-31");
        }

        @Test
        void unknownCommandsSaySo() {
            Driver ui = chat("s").type("/frobnicate now").enter();
            assertThat(ui.state.flash()).contains("unknown command /frobnicate now");
        }
    }

    @Nested
    class Pickers {
        @Test
        void loginPickerSearchesAndAsksForAKey() {
            Driver ui = home().type("/login").enter();
            assertThat(ui.last(Effect.LoadProviders.class)).isNotNull();
            ui.on(new Event.ProvidersLoaded(List.of(new Choice("openai", "OpenAI (openai, browser login)", "oauth", false),
                    new Choice("together", "Together AI (together, API key)", "api_key", false),
                    new Choice("ollama", "Ollama (ollama, no login)", "none", true)), ""));
            ui.type("toge");
            Overlay.Picker picker = (Overlay.Picker) ui.state.overlay();
            assertThat(picker.matching()).extracting(Choice::id).containsExactly("together");
            ui.enter();
            assertThat(ui.state.overlay()).isInstanceOf(Overlay.Prompt.class);
            ui.type("sk-secret").enter();
            assertThat(ui.last(Effect.SaveKey.class)).isEqualTo(new Effect.SaveKey("together", "sk-secret", ""));
            ui.on(new Event.LoginFinished("together", true, "saved the API key for Together AI"));
            assertThat(ui.state.flash()).contains("saved the API key");
        }

        @Test
        void browserLoginsShowWhereToGo() {
            Driver ui = home().type("/connection").enter().on(new Event.ProvidersLoaded(List.of(
                    new Choice("openai", "OpenAI", "oauth", false)), "")).enter();
            assertThat(ui.last(Effect.StartLogin.class)).isEqualTo(new Effect.StartLogin("openai"));
            ui.on(new Event.LoginStarted("openai", "https://auth.example/x", "ABCD", false));
            assertThat(ui.state.overlay()).isEqualTo(new Overlay.LoginWait("openai", "https://auth.example/x", "ABCD"));
            ui.key(Key.of(Key.Kind.ESC));
            assertThat(ui.last(Effect.CancelLogin.class)).isEqualTo(new Effect.CancelLogin("openai"));
        }

        @Test
        void modelPickerSelects() {
            Driver ui = home().on(new Event.Connected("in-process", "openai", "gpt-4o")).type("/model").enter()
                    .on(new Event.ModelsLoaded(List.of(new Choice("gpt-4o", "gpt-4o", "openai", true),
                            new Choice("gpt-4.1", "gpt-4.1", "openai", false)), ""));
            assertThat(((Overlay.Picker) ui.state.overlay()).cursor()).as("starts on the current model").isZero();
            ui.key(Key.of(Key.Kind.DOWN)).enter();
            assertThat(ui.last(Effect.SelectModel.class)).isEqualTo(new Effect.SelectModel("openai", "gpt-4.1"));
            ui.on(new Event.ModelChanged("openai", "gpt-4.1"));
            assertThat(ui.state.info().model()).isEqualTo("gpt-4.1");
        }
    }

    @Nested
    class Sidebar {
        Driver open() {
            return chat("b").on(new Event.SessionsLoaded(List.of(summary("a"), summary("b"), summary("c"))))
                    .key(Key.ctrl('s'));
        }

        @Test
        void opensOnTheSessionShownAndLoadsAnother() {
            Driver ui = open();
            assertThat(((Overlay.Sidebar) ui.state.overlay()).cursor()).isEqualTo(1);
            ui.key(Key.of(Key.Kind.DOWN)).enter();
            assertThat(ui.last(Effect.OpenSession.class)).isEqualTo(new Effect.OpenSession("c"));
            ui.on(new Event.SessionOpened("c", List.of(Entry.user("old"))));
            assertThat(ui.state.sessionId()).isEqualTo("c");
            assertThat(ui.state.entries()).containsExactly(Entry.user("old"));
        }

        @Test
        void deletesAfterConfirmation() {
            Driver ui = open().type("d");
            assertThat(((Overlay.Sidebar) ui.state.overlay()).mode()).isEqualTo(Overlay.Sidebar.Mode.CONFIRM_DELETE);
            ui.type("n");
            assertThat(ui.effects).noneMatch(Effect.DeleteSession.class::isInstance);
            ui.type("d").type("y");
            assertThat(ui.last(Effect.DeleteSession.class)).isEqualTo(new Effect.DeleteSession("b"));
            ui.on(new Event.SessionDeleted("b"));
            assertThat(ui.state.sessionId()).isNull();
            assertThat(ui.state.screen()).isEqualTo(State.Screen.HOME);
        }

        @Test
        void renames() {
            Driver ui = open().type("r").type("work").enter();
            assertThat(ui.last(Effect.RenameSession.class)).isEqualTo(new Effect.RenameSession("b", "work"));
            assertThat(ui.state.sessions().get(1).label()).isEqualTo("work");
        }

        @Test
        void newStartsAnEmptySession() {
            Driver ui = open().type("n");
            assertThat(ui.state.overlay()).isNull();
            assertThat(ui.state.sessionId()).isNull();
            assertThat(ui.state.screen()).isEqualTo(State.Screen.CHAT);
        }
    }

    @Test
    void homeScreenOpensARecentSession() {
        Driver ui = home().on(new Event.SessionsLoaded(List.of(summary("a"), summary("b")))).key(Key.of(Key.Kind.DOWN))
                .key(Key.of(Key.Kind.DOWN)).enter();
        assertThat(ui.last(Effect.OpenSession.class)).isEqualTo(new Effect.OpenSession("b"));
    }

    @Test
    void resizingChangesTheSize() {
        assertThat(home().on(new Event.Resized(120, 40)).state).extracting(State::width, State::height).containsExactly(120, 40);
    }

    @Test
    void idleTicksChangeNothing() {
        State before = home().state;
        assertThat(Update.update(before, new Event.Tick(T0 + 5)).state()).isSameAs(before);
    }

    static SessionSummary summary(String id) {
        return new SessionSummary(id, "cli", Instant.EPOCH, 2, "preview of " + id, "");
    }
}
