package org.openpista.auth.internal;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.openpista.api.auth.AuthException;
import org.openpista.api.auth.AuthService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code openpista auth logout [PROVIDER|--all]}. */
@Command(name = "logout", mixinStandardHelpOptions = true,
        description = {"Removes a stored login, or all of them, from credentials.toml."})
final class LogoutCommand implements Callable<Integer> {

    @ParentCommand
    AuthCommand parent;

    @Parameters(index = "0", arity = "0..1", paramLabel = "PROVIDER", description = "The provider whose login to remove.")
    String positional;

    @Option(names = "--provider", paramLabel = "PROVIDER", description = "The provider (same as PROVIDER).")
    String provider;

    @Option(names = "--all", description = "Remove every stored login.")
    boolean all;

    @Override
    public Integer call() {
        PrintStream out = System.out;
        PrintStream err = System.err;
        String name = positional != null ? positional : provider;
        if ((name == null || name.isBlank()) == !all) {
            err.println("openpista: name one provider (PROVIDER or --provider P) or give --all");
            return AuthCommand.USAGE;
        }
        AuthService service = parent.auth;
        try {
            List<String> names = new ArrayList<>();
            if (all) {
                service.providers().stream().filter(status -> status.method() != null
                        && status.source().equals("credentials.toml")).forEach(status -> names.add(status.name()));
            } else {
                names.add(name.strip());
            }
            for (String login : names) {
                out.println(service.logout(login) ? "Removed the stored " + login + " login." : "No stored " + login + " login.");
            }
            if (names.isEmpty()) {
                out.println("No stored logins.");
            }
            return AuthCommand.OK;
        } catch (AuthException e) {
            err.println("openpista: " + e.getMessage());
            return AuthCommand.FAILED;
        }
    }
}
