package org.openpista.mcp.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.openpista.api.approval.ApprovalOutcome;
import org.openpista.api.approval.ApprovalService;
import org.openpista.api.config.ConfigurationLoader;
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

    @Option(names = "--timeout", description = "Seconds one tool call may take (default: 600).")
    int timeoutSecs = 600;

    @Override
    public Integer call() throws Exception {
        BundleContext context = mcp.context;
        ServiceReference<ApprovalService> approvalReference = context.getServiceReference(ApprovalService.class);
        ApprovalService approval = approvalReference == null ? null : context.getService(approvalReference);
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
                ConfigurationLoader.home(context).resolve("workspace"), Duration.ofSeconds(Math.max(1, timeoutSecs)));
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

    private static List<ServiceReference<Tool>> tools(BundleContext context) throws InvalidSyntaxException {
        return new ArrayList<>(context.getServiceReferences(Tool.class, null));
    }
}
