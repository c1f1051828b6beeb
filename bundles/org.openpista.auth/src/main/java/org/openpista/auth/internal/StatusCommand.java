package org.openpista.auth.internal;

import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import org.openpista.api.auth.AuthException;
import org.openpista.api.auth.ProviderAuthStatus;
import org.openpista.api.config.ConfigException;
import org.openpista.api.config.ConfigReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code openpista auth status}. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Shows every provider's credential: method, account, expiry and where it comes from (an environment "
                + "variable, config.toml or the stored login, in the order providers use them). Secrets are never shown."})
final class StatusCommand implements Callable<Integer> {

    @ParentCommand
    AuthCommand parent;

    @Override
    public Integer call() {
        PrintStream out = System.out;
        PrintStream err = System.err;
        List<ProviderAuthStatus> providers;
        try {
            providers = parent.auth.providers();
        } catch (AuthException e) {
            err.println("openpista: " + e.getMessage());
            return AuthCommand.FAILED;
        }
        WorkingCredentials working = parent.workingCredentials();
        out.print(working.table(providers, Instant.now()));
        working.notes(providers).forEach(note -> out.println("note: " + note));
        out.println("Credentials: " + parent.credentials());
        inUse(working, providers, out);
        return AuthCommand.OK;
    }

    /** The provider config.toml selects, and whether it has what it needs. */
    private void inUse(WorkingCredentials working, List<ProviderAuthStatus> providers, PrintStream out) {
        ConfigReport report;
        try {
            report = parent.loader.report();
        } catch (ConfigException e) {
            return;
        }
        if (report.provider().isEmpty()) {
            return;
        }
        String line = "In use: provider " + report.provider();
        if (!report.providerProblem().isEmpty()) {
            out.println(line + ", which cannot work yet: " + report.providerProblem());
            return;
        }
        ProviderAuthStatus login = AuthCommand.find(providers, working.selectedLogin());
        WorkingCredentials.Source source = login == null ? null : working.of(login);
        String from = source == null ? "" : switch (source.kind()) {
            case ENVIRONMENT -> ", key from " + source.variable();
            case CONFIG_FILE -> ", key from config.toml";
            case STORED -> ", the stored " + login.name() + " login";
            case NONE -> "";
        };
        out.println(line + from);
    }
}
