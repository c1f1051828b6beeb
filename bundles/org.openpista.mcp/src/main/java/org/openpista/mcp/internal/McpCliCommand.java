package org.openpista.mcp.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import org.openpista.api.admin.DaemonClient;
import org.openpista.api.command.CliCommand;
import org.openpista.api.config.ConfigFileEditor;
import org.openpista.api.settings.SettingsSection;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ServiceScope;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code openpista mcp list|test|add|remove|serve}: the MCP servers of {@code config.toml}. {@code
 * list} shows the running daemon's view when one runs; {@code test} connects to one server from this
 * process; {@code add} and {@code remove} edit {@code [mcp.servers.NAME]} and have a running daemon
 * reload.
 */
@SettingsSection(value = "channels.mcp", pid = ServeSettings.PID)
@SettingsSection(value = "channels.web", pid = WebToken.PID, keys = "token", env = "token=OPENPISTA_WEB_TOKEN")
@Component(service = CliCommand.class, property = CliCommand.NAME + "=mcp", scope = ServiceScope.PROTOTYPE,
        configurationPid = {ServeSettings.PID, WebToken.PID}, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Command(name = "mcp", mixinStandardHelpOptions = true,
        description = {"MCP servers: their tools become the agent's tools mcp.<server>.<tool>.",
            "Configured as [mcp.servers.NAME] in config.toml; openpista mcp serve offers openpista's tools to MCP clients."},
        subcommands = {McpCliCommand.ListServers.class, McpCliCommand.Test.class, McpCliCommand.Add.class,
            McpCliCommand.Remove.class, McpServeCommand.class})
public final class McpCliCommand implements CliCommand, Runnable {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    final BundleContext context;
    final McpServers servers;
    final ConfigFileEditor editor;
    /** {@code [channels.mcp]} and the web chat's token. */
    final Map<String, Object> settings;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL)
    DaemonClient daemon;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Activate
    public McpCliCommand(BundleContext context, @Reference McpServers servers, @Reference ConfigFileEditor editor,
            Map<String, Object> settings) {
        this.context = context;
        this.settings = Map.copyOf(settings);
        this.servers = servers;
        this.editor = editor;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** @return the running daemon's PID, if one runs for this home */
    OptionalLong daemonPid() {
        return daemon == null ? OptionalLong.empty() : daemon.running();
    }

    /** Has a running daemon read the file again; says what happened. */
    void reloadDaemon() {
        OptionalLong pid = daemonPid();
        if (pid.isEmpty()) {
            System.out.println("No daemon runs; the next start connects it.");
            return;
        }
        try {
            daemon.execute("openpista:reload");
            System.out.println("The daemon (PID " + pid.getAsLong() + ") reloaded config.toml.");
        } catch (IOException e) {
            System.out.println("The daemon (PID " + pid.getAsLong() + ") could not reload: " + e.getMessage()
                    + "; run openpista shell -c openpista:reload");
        }
    }

    /** {@code mcp list [NAME]}. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"Lists the MCP servers: state, tools, why one is unavailable and the end of its stderr.",
                "Shows the running daemon's servers; without a daemon, the configured ones (mcp test NAME connects one)."})
    static final class ListServers implements Callable<Integer> {

        @ParentCommand
        McpCliCommand mcp;

        @Parameters(paramLabel = "NAME", arity = "0..1", description = "One server in detail.")
        String name;

        @Override
        public Integer call() {
            OptionalLong pid = mcp.daemonPid();
            if (pid.isPresent()) {
                try {
                    System.out.print(mcp.daemon.execute(name == null ? "openpista:mcp" : "openpista:mcp " + name));
                    return OK;
                } catch (IOException e) {
                    System.err.println("openpista: the daemon (PID " + pid.getAsLong() + ") did not answer: " + e.getMessage());
                    return FAILED;
                }
            }
            List<ServerStatus> all = mcp.servers.status();
            if (name != null) {
                return all.stream().filter(server -> server.name().equals(name)).findFirst().map(server -> {
                    System.out.print(StatusText.detail(server));
                    return OK;
                }).orElseGet(() -> {
                    System.err.println("openpista: no MCP server " + name + " is configured");
                    return FAILED;
                });
            }
            System.out.print(StatusText.table(all));
            if (!all.isEmpty()) {
                System.out.println("(no daemon runs: servers are connected by openpista start and openpista run; "
                        + "openpista mcp test NAME tries one now)");
            }
            return OK;
        }
    }

    /** {@code mcp test NAME}. */
    @Command(name = "test", mixinStandardHelpOptions = true,
            description = "Connects to one server from this process and shows its tools, resources and prompts, or why not.")
    static final class Test implements Callable<Integer> {

        @ParentCommand
        McpCliCommand mcp;

        @Parameters(paramLabel = "NAME", description = "The server's name.")
        String name;

        @Override
        public Integer call() throws InterruptedException {
            var connection = mcp.servers.connection(name);
            if (connection.isEmpty()) {
                System.err.println("openpista: no MCP server " + name + " is configured (openpista mcp list)");
                return FAILED;
            }
            connection.get().start();
            long until = System.nanoTime() + connection.get().config().startupTimeout().toNanos();
            while (connection.get().status().state().equals("starting") && System.nanoTime() < until) {
                Thread.sleep(50);
            }
            ServerStatus status = connection.get().status();
            System.out.print(StatusText.detail(status));
            connection.get().stop();
            return status.connected() ? OK : FAILED;
        }
    }

    /** {@code mcp add NAME [--url URL] [-- COMMAND ARGS...]}. */
    @Command(name = "add", mixinStandardHelpOptions = true,
            description = {"Adds (or replaces) [mcp.servers.NAME] in config.toml; a running daemon connects it at once.",
                "  openpista mcp add files -- npx -y @modelcontextprotocol/server-filesystem ~/notes",
                "  openpista mcp add remote --url https://example.com/mcp --header 'Authorization=Bearer TOKEN'"})
    static final class Add implements Callable<Integer> {

        @ParentCommand
        McpCliCommand mcp;

        @Parameters(index = "0", paramLabel = "NAME", description = "The server's name (letters, digits, _ and -).")
        String name;

        @Parameters(index = "1..*", paramLabel = "COMMAND", description = "The command of a stdio server and its arguments.")
        List<String> command = new ArrayList<>();

        @Option(names = "--url", description = "The endpoint of an HTTP server.")
        String url;

        @Option(names = "--transport", description = "For --url: auto, streamable or sse.")
        String transport;

        @Option(names = "--env", paramLabel = "NAME=VALUE", description = "A variable of the server process (repeatable).")
        List<String> env = new ArrayList<>();

        @Option(names = "--header", paramLabel = "NAME=VALUE", description = "An HTTP header (repeatable).")
        List<String> headers = new ArrayList<>();

        @Option(names = "--approval", description = "ask (default), auto or deny.")
        String approval;

        @Override
        public Integer call() {
            if (!ServerConfig.NAME.matcher(name).matches()) {
                System.err.println("openpista: a server name is letters, digits, _ and - only: " + name);
                return USAGE;
            }
            if (command.isEmpty() == (url == null)) {
                System.err.println("openpista: give either a command (after --) or --url");
                return USAGE;
            }
            Map<String, Object> values = new LinkedHashMap<>();
            values.put("enabled", true);
            if (url != null) {
                values.put("url", url);
                if (transport != null) {
                    values.put("transport", transport);
                }
            } else {
                values.put("command", command.get(0));
                values.put("args", List.copyOf(command.subList(1, command.size())));
            }
            if (!env.isEmpty()) {
                values.put("env", List.copyOf(env));
            }
            if (!headers.isEmpty()) {
                values.put("headers", List.copyOf(headers));
            }
            if (approval != null) {
                values.put("approval", approval);
            }
            try {
                mcp.editor.removeSection("mcp.servers." + name);
                var file = mcp.editor.set("mcp.servers." + name, values);
                System.out.println("Added MCP server " + name + " to " + file);
            } catch (IOException | RuntimeException e) {
                System.err.println("openpista: cannot write config.toml: " + e.getMessage());
                return FAILED;
            }
            mcp.reloadDaemon();
            return OK;
        }
    }

    /** {@code mcp remove NAME}. */
    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Removes [mcp.servers.NAME] from config.toml; a running daemon disconnects it at once.")
    static final class Remove implements Callable<Integer> {

        @ParentCommand
        McpCliCommand mcp;

        @Parameters(paramLabel = "NAME", description = "The server's name.")
        String name;

        @Override
        public Integer call() {
            try {
                if (!mcp.editor.removeSection("mcp.servers." + name)) {
                    System.err.println("openpista: config.toml has no [mcp.servers." + name + "]");
                    return FAILED;
                }
                System.out.println("Removed MCP server " + name);
            } catch (IOException | RuntimeException e) {
                System.err.println("openpista: cannot write config.toml: " + e.getMessage());
                return FAILED;
            }
            mcp.reloadDaemon();
            return OK;
        }
    }
}
