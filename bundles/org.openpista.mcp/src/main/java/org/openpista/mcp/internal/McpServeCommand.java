package org.openpista.mcp.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.openpista.api.approval.ApprovalOutcome;
import org.openpista.api.approval.ApprovalService;
import org.openpista.api.config.ConfigurationLoader;
import org.openpista.api.skill.SkillCatalog;
import org.openpista.api.tool.Tool;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code openpista mcp serve}: openpista's tools and skills for an MCP client over stdio, until the
 * client closes its end. Standard output is the protocol's, so everything else this process would
 * print goes to standard error meanwhile.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serves openpista's tools and skills to an MCP client over stdio (the client starts this command).",
            "Every call is approved by openpista's policy for the channel mcp ([channels.mcp] approval); asking goes to",
            "the client's user through elicitation."})
final class McpServeCommand implements Callable<Integer> {

    @ParentCommand
    McpCliCommand mcp;

    @Option(names = "--http", description = "Serve streamable HTTP at http://BIND:PORT/mcp instead of stdio, for clients with"
            + " the web chat's token ([channels.web] token) as Authorization: Bearer.")
    boolean http;

    @Option(names = "--port", description = "With --http: the port (default: [channels.mcp] port, 3211).")
    Integer port;

    private String setting(String key, String fallback) {
        Object value = mcp.settings.get(key);
        return value == null || value.toString().isBlank() ? fallback : value.toString();
    }

    @Override
    public Integer call() throws Exception {
        BundleContext context = mcp.context;
        ServiceReference<ApprovalService> approvalReference = context.getServiceReference(ApprovalService.class);
        ApprovalService approval = approvalReference == null ? null : context.getService(approvalReference);
        awaitSkills(context);
        List<ServiceReference<Tool>> references = tools(context);
        List<Tool> tools = new ArrayList<>();
        for (ServiceReference<Tool> reference : references) {
            Tool tool = context.getService(reference);
            if (tool != null) {
                tools.add(tool);
            }
        }
        ObjectMapper mapper = new ObjectMapper();
        OpenpistaServer server = new OpenpistaServer(mapper, new JacksonMcpJsonMapper(mapper), (request, sink) -> approval == null
                ? ApprovalOutcome.deny("openpista's approval service is not running") : approval.decide(request, sink),
                ConfigurationLoader.home(context).resolve("workspace"),
                Duration.ofSeconds(Long.parseLong(setting("tool.timeout.secs", "600"))));
        if (http) {
            return serveHttp(server, mapper, tools, references);
        }
        PrintStream protocol = System.out;
        CountDownLatch closed = new CountDownLatch(1);
        InputStream in = new FilterInputStream(System.in) {
            @Override
            public int read() throws IOException {
                int read = super.read();
                if (read < 0) {
                    closed.countDown();
                }
                return read;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int read = super.read(buffer, offset, length);
                if (read < 0) {
                    closed.countDown();
                }
                return read;
            }
        };
        System.setOut(System.err);
        McpSyncServer running = server.start(new StdioServerTransportProvider(new JacksonMcpJsonMapper(mapper), in, protocol),
                tools);
        try {
            closed.await();
        } finally {
            running.closeGracefully();
            System.setOut(protocol);
            references.forEach(reference -> {
                try {
                    context.ungetService(reference);
                } catch (IllegalStateException stopping) {
                    // the framework is going down
                }
            });
        }
        return McpCliCommand.OK;
    }

    private int serveHttp(OpenpistaServer server, ObjectMapper mapper, List<Tool> tools, List<ServiceReference<Tool>> references)
            throws InterruptedException {
        int listen = port != null ? port : Integer.parseInt(setting("port", "3211"));
        String bind = setting("bind", "127.0.0.1");
        HttpServeTransport transport;
        try {
            transport = new HttpServeTransport(new JacksonMcpJsonMapper(mapper), new InetSocketAddress(bind, listen),
                    setting(".token", ""), Duration.ofSeconds(Long.parseLong(setting("tool.timeout.secs", "600"))));
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("openpista: cannot serve MCP over HTTP: " + e.getMessage());
            return McpCliCommand.FAILED;
        }
        var running = server.startStateless(transport, tools);
        transport.start();
        System.out.println("MCP server (streamable HTTP) at http://" + bind + ":" + transport.port() + HttpServeTransport.PATH
                + " — clients send Authorization: Bearer <the web chat's token>; Ctrl-C stops it");
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(stopped::countDown, "openpista-mcp-serve-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            stopped.await();
        } finally {
            running.close();
            references.forEach(reference -> {
                try {
                    mcp.context.ungetService(reference);
                } catch (IllegalStateException stopping) {
                    // the framework is going down
                }
            });
        }
        return McpCliCommand.OK;
    }

    /**
     * Gets the skill catalog, which registers the skill tools once active (the agent gets it only at
     * its first prompt), and waits for its first scan; it stays got while the command serves.
     */
    private static void awaitSkills(BundleContext context) {
        ServiceReference<SkillCatalog> reference = context.getServiceReference(SkillCatalog.class);
        SkillCatalog catalog = reference == null ? null : context.getService(reference);
        if (catalog != null) {
            catalog.skills();
        }
    }

    private static List<ServiceReference<Tool>> tools(BundleContext context) throws InvalidSyntaxException {
        return new ArrayList<>(context.getServiceReferences(Tool.class, null));
    }
}
