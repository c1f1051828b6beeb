package org.openpista.runtime;

import static org.openpista.runtime.BundleCommands.START_TIMEOUT;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import org.openpista.api.channel.AgentGateway;
import org.openpista.api.channel.AgentReply;
import org.openpista.api.channel.InboundMessage;
import org.openpista.api.channel.TerminalText;
import org.openpista.api.channel.TurnHandle;
import org.openpista.api.config.ConfigException;
import org.openpista.api.config.ConfigReport;
import org.openpista.api.llm.LlmProvider;
import org.osgi.framework.BundleException;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code openpista run -e "PROMPT"}: one turn, the answer on standard output. */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {
            "Runs one prompt through the agent and prints its answer.",
            "",
            "Exit status: 0 answered, 1 the turn failed (provider error, round limit, cancelled), "
                    + "2 bad usage or configuration."
        })
final class RunCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Option(names = {"-e", "--exec"}, required = true, paramLabel = "PROMPT", description = "The prompt to run.")
    String prompt;

    @Option(names = {"-s", "--session"}, paramLabel = "SESSION",
            description = "Continue this session (created when new); default: a new session.")
    String session;

    @Option(names = {"--local", "--no-daemon"},
            description = "Run the turn in this process even when a daemon runs for this home (by default the daemon "
                    + "runs it, which starts faster).")
    boolean local;

    @Override
    public Integer call() throws IOException, BundleException, InterruptedException {
        PrintStream out = System.out;
        PrintStream err = System.err;
        if (prompt.isBlank()) {
            err.println("openpista: the prompt is empty; pass it with -e \"...\"");
            return Main.USAGE;
        }
        String sessionId = session != null && !session.isBlank() ? session.strip() : newSessionId();
        // bin/openpista records the class-data archive in a run that starts the framework: it would hold only the
        // thin client's classes otherwise
        if (!local && !Boolean.getBoolean("openpista.cds.recording")) {
            // tried once: after onboarding (the daemon had no provider either) the turn runs here
            local = true;
            Home home = main.resolveHome();
            BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            boolean terminal = System.console() != null;
            // no lambda, method reference or string concatenation on this path: each costs a bootstrap that the
            // class-data archive (recorded in process) does not hold
            BooleanSupplier stdinIsTerminal = new BooleanSupplier() {
                @Override
                public boolean getAsBoolean() {
                    return Terminals.stdinIsTerminal();
                }
            };
            DaemonRun daemon = new DaemonRun(home.dir().resolve("admin.sock"),
                    new TerminalSink(err, stdin, stdinIsTerminal, terminal), new AnswerStream(out, terminal), err,
                    main.debug);
            int status = daemon.run(home.configFile(), sessionId, prompt);
            if (status != DaemonRun.NOT_SERVED) {
                return status;
            }
        }
        Home home = main.setUpLogging(null);
        // looked up only here: a turn the daemon runs needs no logging
        Phases phases = new Phases(LoggerFactory.getLogger(RunCommand.class));
        Warmup.start();
        int status;
        // the features a one-shot turn needs (no channels, no admin socket) and the home's plugins; the
        // docker and wasm sandboxes stay inactive until a skill of their mode runs (bench/skills-overhead.sh)
        try (OsgiRuntime runtime = OsgiRuntime.create(Distribution.locate(), home, OsgiRuntime.ONE_SHOT, Map.of(), false, phases::mark)) {
            status = runTurn(runtime, sessionId, phases, out, err);
        }
        phases.mark("shut down");
        if (status == NO_PROVIDER) {
            return offerOnboarding(err);
        }
        return status;
    }

    /** {@link #runTurn} found no usable provider, and a person at the terminal may set one up. */
    private static final int NO_PROVIDER = Integer.MIN_VALUE + 3;

    /** What made the turn impossible, kept for the message when no onboarding is offered. */
    private String providerProblem;

    /** Whether onboarding was offered already: it is offered once. */
    private boolean offered;

    private int offerOnboarding(PrintStream err) throws IOException, BundleException, InterruptedException {
        offered = true;
        int onboarding;
        try {
            onboarding = BundleCommands.offerOnboarding(main);
        } catch (IOException | BundleException | InterruptedException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new RuntimeProblem("onboarding failed: " + e.getMessage());
        }
        if (onboarding == 0) {
            return call(); // the turn, with the provider just set up
        }
        if (onboarding == OnboardingOffer.NOT_MADE) {
            err.println("openpista: " + providerProblem);
        }
        if (onboarding == OnboardingOffer.NOT_MADE || onboarding == OnboardingOffer.DECLINED) {
            err.println("See README.md, section Configuration, for an example config.toml.");
            return Main.USAGE;
        }
        return onboarding;
    }

    private int runTurn(OsgiRuntime runtime, String sessionId, Phases phases, PrintStream out, PrintStream err)
            throws BundleException, InterruptedException {
        ConfigReport report;
        try {
            report = runtime.configuration(START_TIMEOUT);
        } catch (ConfigException e) {
            err.println("openpista: " + e.getMessage());
            return Main.USAGE;
        }
        phases.mark("configuration loaded");
        report.warnings().forEach(warning -> err.println("openpista: warning: " + warning));
        if (!report.providerProblem().isEmpty()) {
            providerProblem = report.providerProblem();
            if (!offered && OnboardingOffer.personAtTerminal()) {
                return NO_PROVIDER;
            }
            err.println("openpista: " + report.providerProblem());
            err.println("See README.md, section Configuration, for an example config.toml.");
            return Main.USAGE;
        }
        List<String> failures = runtime.startAll();
        if (!failures.isEmpty()) {
            throw runtime.problem(failures);
        }
        phases.mark("level 2 started");
        AgentGateway gateway = runtime.awaitService(AgentGateway.class, null, START_TIMEOUT);
        runtime.awaitService(LlmProvider.class, "(" + LlmProvider.NAME + "=" + report.provider() + ")", START_TIMEOUT);
        phases.mark("agent ready");

        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        TerminalSink sink = new TerminalSink(err, stdin, Terminals::stdinIsTerminal, System.console() != null);
        InboundMessage message = InboundMessage.text("cli", "cli:" + sessionId, sessionId, prompt);
        TurnHandle turn = gateway.submit(message, sink);
        Thread cancelOnExit = new Thread(turn::cancel, "openpista-cancel");
        Runtime.getRuntime().addShutdownHook(cancelOnExit);
        AgentReply reply;
        try {
            reply = turn.completion().toCompletableFuture().get();
        } catch (ExecutionException e) {
            throw new RuntimeProblem("the turn failed: " + e.getCause());
        } finally {
            removeHook(cancelOnExit);
        }
        phases.mark("turn done");
        if (reply.error()) {
            err.println("openpista: " + TerminalText.safe(reply.text()));
            return Main.FAILED;
        }
        // the answer is untrusted text: its control sequences are shown, never obeyed by a terminal
        out.println(TerminalText.safe(reply.text()));
        out.flush();
        return 0;
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is already exiting (Ctrl-C); the hook runs and cancels the turn
        }
    }

    static String newSessionId() {
        // a builder, not +: see call()
        return new StringBuilder("cli-").append(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")))
                .append('-').append(Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000))).toString();
    }

}
