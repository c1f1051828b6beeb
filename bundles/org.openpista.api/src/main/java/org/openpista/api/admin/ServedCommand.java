package org.openpista.api.admin;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A bundle's launcher command served by the running daemon, so that {@code openpista NAME ARGS...}
 * answers without starting a framework of its own (whiteboard: register it in the daemon with the
 * property {@link #NAME}, the name of the command it serves). The launcher sends the command's
 * arguments to the daemon over {@code HOME/admin.sock}; the shell bundle checks that the command
 * reads the daemon's configuration file, hands the arguments after the name to the service of that
 * name and answers what it returns. A service serves only the forms it is sure of and declines the
 * rest (options it does not know, {@code --help}): then nothing has run and the launcher runs the
 * command as ever, with its own messages. A daemon without a service for the command declines too.
 * A served command must say and exit with what the command would.
 */
@ConsumerType
public interface ServedCommand {

    /** Service property: the name of the launcher command served, as its {@code CliCommand.NAME}. */
    String NAME = "openpista.served.command";

    /**
     * Called on the admin connection's thread; it may block while the command runs.
     *
     * @param args the arguments after the command's name
     * @return what came of it
     */
    Served serve(List<String> args);

    /** What a served command comes to. */
    sealed interface Served permits Declined, Done, AwaitExit {}

    /**
     * Nothing ran: the launcher runs the command itself.
     *
     * @param why why (the launcher's {@code --debug} output shows it)
     */
    record Declined(String why) implements Served {}

    /**
     * The command ran.
     *
     * @param out its standard output (may be empty)
     * @param err its standard error (may be empty)
     * @param status its exit status
     */
    record Done(String out, String err, int status) implements Served {}

    /**
     * The command says {@code err}, then the launcher waits up to {@code seconds} for the process
     * {@code pid} to exit and prints {@code exited} on standard output (exit status 0), or {@code
     * late} on standard error when it did not (exit status 1). Only once the launcher has been told
     * this does {@code then} run: what makes the process exit, such as the daemon stopping itself.
     */
    record AwaitExit(String err, long pid, int seconds, String exited, String late, Runnable then) implements Served {}
}
