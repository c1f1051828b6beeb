package org.openpista.config.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import org.openpista.api.admin.DaemonClient;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.command.CliCommand;
import org.openpista.api.config.ConfigException;
import org.openpista.api.config.ConfigFileEditor;
import org.openpista.api.config.ConfigReport;
import org.openpista.api.config.ConfigurationLoader;
import org.openpista.api.llm.ChatRequest;
import org.openpista.api.llm.ChatResponse;
import org.openpista.api.llm.LlmProvider;
import org.openpista.api.llm.LlmProviders;
import org.openpista.api.llm.ModelInfo;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.model.ModelChoice;
import org.openpista.api.model.ModelSelector;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ServiceScope;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code openpista model [MODEL] | list | test}: the models of the configured provider, one test
 * request, and the original openpista's shortcut to switch model, which sets {@code [agent] model}
 * in {@code config.toml} and has a running daemon read the file again.
 */
@Component(service = CliCommand.class, property = CliCommand.NAME + "=model", scope = ServiceScope.PROTOTYPE)
@Command(name = "model", mixinStandardHelpOptions = true,
        description = {"The models of the configured provider: list them, test one, or switch to another.",
            "",
            "Without arguments: the same as 'model list'. With MODEL: sets [agent] model in config.toml and, when a daemon "
                    + "runs, has it read the file again, so that its next turns use MODEL."},
        subcommands = {ModelCommand.ListModels.class, ModelCommand.Test.class})
public final class ModelCommand implements CliCommand, Callable<Integer> {

    /** Exit statuses of the command line. */
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    /** How long a provider may take to start once its configuration exists. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final BundleContext context;
    private final ModelSelector selector;
    private final ConfigurationLoader loader;
    private final ConfigFileEditor editor;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL)
    DaemonClient daemon;

    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL",
            description = "The model to use from now on, as the provider names it, for example gpt-4.1.")
    String model;

    @Activate
    public ModelCommand(BundleContext context, @Reference ModelSelector selector, @Reference ConfigurationLoader loader,
            @Reference ConfigFileEditor editor) {
        this.context = context;
        this.selector = selector;
        this.loader = loader;
        this.editor = editor;
    }

    @Override
    public Integer call() throws IOException {
        if (model == null || model.isBlank()) {
            return list(null);
        }
        return use(model.strip(), System.out, System.err);
    }

    /** {@code model MODEL}: into the file, then into the running daemon. */
    int use(String name, PrintStream out, PrintStream err) throws IOException {
        Path file = editor.set(Catalog.AGENT, Map.of(ProviderSelection.MODEL, name));
        out.println("Set [agent] model = \"" + name + "\" in " + file + ".");
        loader.environmentOf(Catalog.AGENT, ProviderSelection.MODEL).ifPresent(variable -> err.println("openpista: note: "
                + variable + " is set in the environment and wins over config.toml; unset it to use " + name));
        DaemonClient client = daemon;
        OptionalLong pid = client == null ? OptionalLong.empty() : client.running();
        if (pid.isEmpty()) {
            out.println("No daemon is running; openpista uses it from the next start.");
            return OK;
        }
        String answer;
        try {
            answer = client.execute("openpista:reload");
        } catch (IOException e) {
            err.println("openpista: the running daemon (PID " + pid.getAsLong() + ") could not read config.toml again: "
                    + e.getMessage() + "; run 'openpista shell -c openpista:reload' once it is fixed");
            return FAILED;
        }
        out.println("The running daemon (PID " + pid.getAsLong() + ") read config.toml again; its next turns use " + name + ".");
        answer.lines().filter(line -> line.startsWith("warning: ") || line.startsWith("problem: "))
                .forEach(line -> err.println("openpista: " + line));
        return OK;
    }

    /** {@code model list [--provider P]}. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"Lists the models the provider's listing endpoint offers; * marks the one in use.",
                "",
                "Exit status: 0 listed, 1 the listing failed, 2 bad usage or configuration."})
    static final class ListModels implements Callable<Integer> {

        @ParentCommand
        ModelCommand parent;

        @Option(names = "--provider", paramLabel = "PROVIDER",
                description = "List another provider's models (its key or login and [providers.NAME] apply).")
        String provider;

        @Override
        public Integer call() {
            return parent.list(provider);
        }
    }

    /** {@code model test [MODEL]}. */
    @Command(name = "test", mixinStandardHelpOptions = true,
            description = {"Sends one small request and prints the answer and how long it took, or the exact error.",
                "",
                "Exit status: 0 answered, 1 the request failed, 2 bad usage or configuration."})
    static final class Test implements Callable<Integer> {

        @ParentCommand
        ModelCommand parent;

        @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL", description = "The model; default: the configured one.")
        String modelId;

        @Override
        public Integer call() {
            return parent.test(modelId, System.out, System.err);
        }
    }

    int list(String other) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ConfigReport report;
        try {
            report = loader.report();
            if (other != null && !other.isBlank()) {
                // a runtime choice, as the web UI makes: the other provider's configuration replaces the file's
                report = new ConfigReport(report.file(), report.exists(), selector.select(other, "").provider(), "",
                        report.providerProblem(), report.warnings());
            } else if (!report.providerProblem().isEmpty()) {
                err.println("openpista: " + report.providerProblem());
                return USAGE;
            }
        } catch (ConfigException e) {
            err.println("openpista: " + e.getMessage());
            return USAGE;
        }
        try {
            provider(report.provider());
        } catch (ProviderException e) {
            err.println("openpista: " + e.getMessage());
            return FAILED;
        }
        ModelChoice current = selector.current();
        try {
            List<ModelInfo> models = selector.models();
            out.println("Models of " + current.provider() + " (* in use):");
            for (ModelInfo info : models) {
                out.println((info.id().equals(current.model()) ? "* " : "  ") + info.id());
            }
            return OK;
        } catch (ProviderException e) {
            err.println("openpista: listing the models of " + current.provider() + " failed: " + e.getMessage());
            return FAILED;
        }
    }

    int test(String modelId, PrintStream out, PrintStream err) {
        ConfigReport report;
        try {
            report = loader.report();
        } catch (ConfigException e) {
            err.println("openpista: " + e.getMessage());
            return USAGE;
        }
        if (!report.providerProblem().isEmpty()) {
            err.println("openpista: " + report.providerProblem());
            return USAGE;
        }
        LlmProvider provider;
        try {
            provider = provider(report.provider());
        } catch (ProviderException e) {
            err.println("openpista: " + e.getMessage());
            return FAILED;
        }
        String id = modelId != null && !modelId.isBlank() ? modelId.strip()
                : !report.model().isEmpty() ? report.model() : provider.defaultModel();
        ChatRequest request = ChatRequest.of(id, "",
                List.of(ChatMessage.user("This is a connection test. Reply with the single word OK.")));
        long start = System.nanoTime();
        try {
            ChatResponse answer = provider.chat(request, null);
            long millis = (System.nanoTime() - start) / 1_000_000;
            out.println(report.provider() + " " + (answer.model().isEmpty() ? id : answer.model()) + ": "
                    + answer.text().strip().replaceAll("\\s+", " "));
            out.println("latency: " + millis + " ms");
            return OK;
        } catch (ProviderException e) {
            long millis = (System.nanoTime() - start) / 1_000_000;
            err.println("openpista: " + report.provider() + " " + id + " failed after " + millis + " ms: " + e.getMessage());
            return FAILED;
        }
    }

    /**
     * @return the provider of that name, once its bundle has started it (the configuration was just
     *     loaded, so its component may still be on the way)
     * @throws ProviderException when it does not come within {@link #START_TIMEOUT}
     */
    LlmProvider provider(String name) throws ProviderException {
        return LlmProviders.await(context, name, START_TIMEOUT);
    }
}
