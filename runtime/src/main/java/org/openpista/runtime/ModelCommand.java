package org.openpista.runtime;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.config.ConfigException;
import org.openpista.api.config.ConfigReport;
import org.openpista.api.llm.ChatRequest;
import org.openpista.api.llm.ChatResponse;
import org.openpista.api.llm.LlmProvider;
import org.openpista.api.llm.ModelInfo;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.model.ModelChoice;
import org.openpista.api.model.ModelSelector;
import org.osgi.framework.BundleException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code openpista model [list|test]}: the models of the configured provider, and one test request. */
@Command(
        name = "model",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {
            "Lists the models of the configured provider (the one in use marked with *), or tests one.",
            "Without a subcommand: the same as 'model list'."
        },
        subcommands = {ModelCommand.ListModels.class, ModelCommand.Test.class})
final class ModelCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Override
    public Integer call() throws IOException, BundleException {
        return list(main, null);
    }

    /** {@code openpista model list [--provider P]}. */
    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            versionProvider = Main.Version.class,
            description = {
                "Lists the models the provider's listing endpoint offers; * marks the one in use.",
                "",
                "Exit status: 0 listed, 1 the listing failed, 2 bad usage or configuration."
            })
    static final class ListModels implements Callable<Integer> {

        @ParentCommand
        ModelCommand model;

        @Option(names = "--provider", paramLabel = "PROVIDER",
                description = "List another provider's models (its key or login and [providers.NAME] apply).")
        String provider;

        @Override
        public Integer call() throws IOException, BundleException {
            return list(model.main, provider);
        }
    }

    /** {@code openpista model test [MODEL]}. */
    @Command(
            name = "test",
            mixinStandardHelpOptions = true,
            versionProvider = Main.Version.class,
            description = {
                "Sends one small request and prints the answer and how long it took, or the exact error.",
                "",
                "Exit status: 0 answered, 1 the request failed, 2 bad usage or configuration."
            })
    static final class Test implements Callable<Integer> {

        @ParentCommand
        ModelCommand model;

        @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL", description = "The model; default: the configured one.")
        String modelId;

        @Override
        public Integer call() throws IOException, BundleException {
            PrintStream out = System.out;
            PrintStream err = System.err;
            Home home = model.main.setUpLogging(null);
            try (CommandRuntime runtime = CommandRuntime.start(home, err)) {
                ConfigReport report = runtime.report();
                if (!report.providerProblem().isEmpty()) {
                    err.println("openpista: " + report.providerProblem());
                    return Main.USAGE;
                }
                LlmProvider provider = runtime.service(LlmProvider.class, "(" + LlmProvider.NAME + "=" + report.provider() + ")");
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
                    return 0;
                } catch (ProviderException e) {
                    long millis = (System.nanoTime() - start) / 1_000_000;
                    err.println("openpista: " + report.provider() + " " + id + " failed after " + millis + " ms: " + e.getMessage());
                    return Main.FAILED;
                }
            } catch (CommandRuntime.ConfigurationProblem e) {
                err.println("openpista: " + e.getMessage());
                return Main.USAGE;
            }
        }
    }

    static int list(Main main, String other) throws IOException, BundleException {
        PrintStream out = System.out;
        PrintStream err = System.err;
        Home home = main.setUpLogging(null);
        try (CommandRuntime runtime = CommandRuntime.start(home, err)) {
            ModelSelector selector = runtime.service(ModelSelector.class, null);
            ConfigReport report = runtime.report();
            if (other != null && !other.isBlank()) {
                // a runtime choice, as the web UI makes: the other provider's configuration replaces the file's
                try {
                    ModelChoice chosen = selector.select(other, "");
                    report = new ConfigReport(report.file(), report.exists(), chosen.provider(), "", report.providerProblem(),
                            report.warnings());
                } catch (ConfigException e) {
                    err.println("openpista: " + e.getMessage());
                    return Main.USAGE;
                }
            } else if (!report.providerProblem().isEmpty()) {
                err.println("openpista: " + report.providerProblem());
                return Main.USAGE;
            }
            runtime.service(LlmProvider.class, "(" + LlmProvider.NAME + "=" + report.provider() + ")");
            ModelChoice current = selector.current();
            try {
                List<ModelInfo> models = selector.models();
                out.println("Models of " + current.provider() + " (* in use):");
                for (ModelInfo info : models) {
                    out.println((info.id().equals(current.model()) ? "* " : "  ") + info.id());
                }
                return 0;
            } catch (ProviderException e) {
                err.println("openpista: listing the models of " + current.provider() + " failed: " + e.getMessage());
                return Main.FAILED;
            }
        } catch (CommandRuntime.ConfigurationProblem e) {
            err.println("openpista: " + e.getMessage());
            return Main.USAGE;
        }
    }
}
