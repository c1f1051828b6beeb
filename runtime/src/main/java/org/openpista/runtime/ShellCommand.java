package org.openpista.runtime;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code openpista shell [-c COMMAND]}: the Gogo console of the running daemon, over its admin socket. */
@Command(
        name = "shell",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {
            "Attaches a Gogo console to the running daemon through HOME/admin.sock. Commands in scope openpista: "
                    + "status, sessions, history SESSION, providers, tools, channels, plugins, cron, model [NAME], "
                    + "reload, send SESSION \"MESSAGE\", shutdown; and Felix's own: lb, start, stop, inspect, headers, help.",
            "",
            "With -c it runs one command, prints its output and exits with its status (0 ok, 1 the command failed); "
                    + "without a running daemon it says so and exits with 1."
        })
final class ShellCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Option(names = {"-c", "--command"}, paramLabel = "COMMAND", description = "Run this command and exit, e.g. \"openpista:tools\".")
    String command;

    @Override
    public Integer call() throws IOException {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ClientLogging.setUp(main);
        Home home = main.resolveHome();
        AdminClient client = AdminClient.connect(AdminClient.socket(home));
        if (client == null) {
            err.println("openpista: no daemon is running for " + home.dir() + " (nothing answers on "
                    + AdminClient.socket(home) + "); start one with 'openpista start'");
            return Main.FAILED;
        }
        try (client) {
            if (command != null) {
                return client.execute(command, out, err);
            }
            return interactive(client, out, err);
        }
    }

    private int interactive(AdminClient client, PrintStream out, PrintStream err) throws IOException {
        boolean terminal = System.console() != null;
        if (terminal) {
            out.println("openpista admin shell (Gogo). Try: openpista:status, openpista:tools, lb, help. Exit: Ctrl-D or exit.");
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        int status = 0;
        while (true) {
            if (terminal) {
                out.print("openpista> ");
                out.flush();
            }
            String line = in.readLine();
            if (line == null || line.strip().equals("exit") || line.strip().equals("quit")) {
                return status;
            }
            if (line.isBlank()) {
                continue;
            }
            status = client.execute(line, out, err);
            if (status == AdminClient.CONNECTION_LOST) {
                return status;
            }
        }
    }
}
