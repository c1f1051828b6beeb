package org.openpista.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.apache.felix.service.command.Descriptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gogo commands called with arguments none of their methods takes answer with how they are called,
 * for every command: the admin socket over Felix's real Gogo runtime with openpista's commands and
 * one without descriptions, as a plugin may bring.
 */
class WrongArgumentsTest {

    @TempDir
    Path home;

    final ThreadIOImpl threadIo = new ThreadIOImpl();
    CommandProcessorImpl processor;
    AdminSocketServer server;

    /** Like WhatsApp's command: two ways to call it, no descriptions. */
    public static final class Undescribed {
        public String whatsapp(String action) {
            return action;
        }

        public String whatsapp(String action, String number, String text) {
            return action + number + text;
        }
    }

    /** Commands of another scope with a function of the same name. */
    public static final class Other {
        @Descriptor("the other cron")
        public String cron(@Descriptor("a flag") @org.apache.felix.service.command.Parameter(names = "-x", presentValue = "true",
                absentValue = "false") boolean flag) {
            return "other " + flag;
        }
    }

    @BeforeEach
    void start() throws Exception {
        threadIo.start();
        processor = new CommandProcessorImpl(threadIo);
        processor.addCommand("openpista", new CronCommands(), "cron");
        processor.addCommand("openpista", new SessionCommands(), "history");
        processor.addCommand("openpista", new Undescribed(), "whatsapp");
        processor.addCommand("other", new Other(), "cron");
        server = new AdminSocketServer(processor, home.resolve("admin.sock"), 4);
    }

    @AfterEach
    void stop() {
        server.deactivate();
        processor.stop();
        threadIo.stop();
    }

    String run(String command) throws Exception {
        try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(home.resolve("admin.sock")))) {
            return AdminSocketServerTest.run(client, command);
        }
    }

    @Test
    void aCommandWithoutDescriptionsNamesItsParameterTypes() throws Exception {
        assertThat(run("openpista:whatsapp")).isEqualTo("""
                1||wrong arguments for openpista:whatsapp; usage:
                  openpista:whatsapp TEXT
                  openpista:whatsapp TEXT TEXT TEXT
                """);
    }

    @Test
    void describedParametersAndOptionsAreShownWithTheDescriptionOfEachWay() throws Exception {
        String answer = run("openpista:cron add one two three four five six");

        assertThat(answer).startsWith("1||wrong arguments for openpista:cron; usage:\n").doesNotContain("Cannot coerce")
                .contains("\n  openpista:cron\n      list the scheduled jobs\n")
                .contains("\n  openpista:cron <list | remove> <the job id>\n")
                .contains("[-s|--session <the session the message goes to (default: the job's own)>]")
                .doesNotContain("other:cron");
        assertThat(run("history").split("\n")).contains(
                "  openpista:history [-n|--limit <how many of the last messages to show>] <the session id>",
                "      show the messages of a session, oldest first");
    }

    @Test
    void withoutAScopeEveryCommandOfThatNameIsShown() throws Exception {
        assertThat(run("cron 1 2 3 4 5 6 7 8")).contains("  openpista:cron\n").contains("  other:cron [-x]\n      the other cron");
    }

    @Test
    void otherFailuresKeepTheirOwnMessage() throws Exception {
        assertThat(run("openpista:whatsapp status")).isEqualTo("0|status\n|");
        assertThat(run("frobnicate")).startsWith("1||").contains("frobnicate").doesNotContain("usage");
        assertThat(run("openpista:cron remove x")).isEqualTo("1||the cron scheduler is not running\n");
    }
}
