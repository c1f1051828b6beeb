package org.openpista.shell.internal;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.List;
import org.apache.felix.service.command.Descriptor;
import org.openpista.api.admin.AgentStatus;
import org.openpista.api.admin.DaemonControl;
import org.openpista.api.admin.SessionActivity;
import org.openpista.api.channel.ChannelAdapter;
import org.openpista.api.config.ConfigException;
import org.openpista.api.config.ConfigReport;
import org.openpista.api.config.ConfigurationLoader;
import org.openpista.api.cron.CronService;
import org.openpista.api.llm.LlmProvider;
import org.openpista.api.skill.SkillCatalog;
import org.openpista.api.tool.Tool;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The agent's Gogo commands in scope {@code openpista}: what runs ({@code status}, {@code
 * providers}, {@code tools}), what to change ({@code model}, {@code reload}) and {@code shutdown}.
 * Sessions and messages to them are {@link SessionCommands}, channels {@link ChannelCommands}.
 * Every service is optional and tracked dynamically, so the commands keep working, and say what
 * is missing, while parts of the daemon are stopped or being replaced. Tables are returned as text;
 * failures are thrown as {@link IllegalArgumentException}/{@link IllegalStateException} with a
 * one-line message, which the admin socket turns into a non-zero exit status.
 */
@Component(service = AgentCommands.class, property = {
    "osgi.command.scope=openpista",
    "osgi.command.function=status",
    "osgi.command.function=providers",
    "osgi.command.function=tools",
    "osgi.command.function=model",
    "osgi.command.function=reload",
    "osgi.command.function=shutdown"
})
public class AgentCommands {

    private static final String AGENT_PID = "org.openpista.agent";

    private final BundleContext context;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile AgentStatus agent;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile ConfigurationLoader loader;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile ConfigurationAdmin configurationAdmin;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile DaemonControl daemon;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile CronService cron;
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    volatile List<LlmProvider> providers = List.of();
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    volatile List<Tool> toolServices = List.of();
    /** Registers the skill tools once active; the agent gets it at its first prompt, the tool list here. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile SkillCatalog skillCatalog;
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    volatile List<ChannelAdapter> channelAdapters = List.of();
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile BundleSwaps swaps;

    @Activate
    public AgentCommands(BundleContext context) {
        this.context = context;
    }

    @Descriptor("show what the daemon runs: process, provider, sessions, tools, channels, plugins, bundles")
    public String status() {
        Table table = new Table("", "");
        DaemonControl process = daemon;
        if (process != null) {
            table.row("pid", process.pid());
            table.row("home", process.home());
            table.row("uptime", Describe.duration(Duration.between(process.startedAt(), Instant.now())));
            table.row("features", String.join(", ", process.features()));
            table.row("mode", process.foreground() ? "foreground" : "background");
        }
        AgentStatus status = agent;
        if (status == null) {
            table.row("agent", "not running (the core bundle is stopped or starting)");
        } else {
            table.row("provider", status.provider() + " (" + describeModel(status) + ")");
            List<SessionActivity> activity = status.activity();
            long running = activity.stream().filter(a -> a.runningSince() != null).count();
            long queued = activity.stream().mapToLong(SessionActivity::queued).sum();
            table.row("sessions", running + " running, " + queued + " queued");
            table.row("turns", status.turnsFinished() + " finished, " + status.turnsFailed() + " failed");
        }
        table.row("tools", toolServices.size());
        List<ChannelAdapter> channels = channelAdapters;
        table.row("channels", channels.isEmpty() ? "none" : String.join(", ", channels.stream().map(this::channelId).toList()));
        CronService scheduler = cron;
        table.row("cron", scheduler == null ? "not running" : scheduler.jobs().size() + " job(s)");
        table.row("plugins", PluginCommands.pluginJars(context).size() + " in " + PluginCommands.pluginDir(context));
        Bundle[] bundles = context.getBundles();
        long active = Arrays.stream(bundles).filter(b -> b.getState() == Bundle.ACTIVE).count();
        table.row("bundles", active + " active of " + bundles.length);
        Runtime jvm = Runtime.getRuntime();
        table.row("memory", "heap " + Describe.megabytes(jvm.totalMemory() - jvm.freeMemory()) + " used of " + Describe.megabytes(jvm.totalMemory())
                + ", JVM up " + Describe.duration(Duration.ofMillis(ManagementFactory.getRuntimeMXBean().getUptime())));
        return withoutHeader(table) + "\n" + BundleStates.table(bundles, swaps);
    }

    @Descriptor("list the registered LLM providers; * marks the one in use")
    public String providers() {
        AgentStatus status = agent;
        String selected = status == null ? "" : status.provider();
        Table table = new Table("", "PROVIDER", "DEFAULT MODEL", "BUNDLE");
        List<String> names = new ArrayList<>();
        for (LlmProvider provider : providers) {
            try {
                names.add(provider.name());
                table.row(provider.name().equals(selected) ? "*" : "", provider.name(), provider.defaultModel(),
                        Describe.bundleOf(provider));
            } catch (RuntimeException | LinkageError gone) {
                // the service left while being listed
            }
        }
        if (!selected.isEmpty() && !names.contains(selected)) {
            table.row("*", selected, "-", "not registered: check [agent] provider and the log");
        }
        return table.isEmpty() ? "no providers registered\n" : table.toString();
    }

    @Descriptor("list the tools the agent can offer to the model")
    public String tools() {
        Table table = new Table("TOOL", "BUNDLE", "DESCRIPTION");
        SkillCatalog skills = skillCatalog;
        if (skills != null) {
            skills.skills(); // waits for its first scan, which registers the skill tools
        }
        List<String[]> rows = new ArrayList<>();
        for (Tool tool : toolServices) {
            try {
                rows.add(new String[] {tool.spec().name(), Describe.bundleOf(tool), Table.cut(tool.spec().description(), 80)});
            } catch (RuntimeException | LinkageError gone) {
                // the service left while being listed
            }
        }
        rows.sort(Comparator.comparing(row -> row[0]));
        rows.forEach(row -> table.row((Object[]) row));
        return table.isEmpty() ? "no tools registered\n" : table.toString();
    }

    @Descriptor("show the model new turns use")
    public String model() {
        AgentStatus status = agent;
        if (status == null) {
            throw new IllegalStateException("the agent core is not running");
        }
        return "provider " + status.provider() + ", model " + describeModel(status) + "\n";
    }

    @Descriptor("use another model for new turns, until the next reload or restart (set [agent] model in config.toml to keep it)")
    public String model(@Descriptor("the model name, as the provider knows it") String name) throws IOException {
        ConfigurationAdmin admin = configurationAdmin;
        if (admin == null) {
            throw new IllegalStateException("Configuration Admin is not running");
        }
        Configuration[] found;
        try {
            found = admin.listConfigurations("(service.pid=" + AGENT_PID + ")");
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        if (found == null || found.length == 0) {
            throw new IllegalStateException("the agent has no configuration yet; run openpista:reload first");
        }
        Dictionary<String, Object> properties = found[0].getProperties();
        properties.put("model", name.strip());
        found[0].update(properties);
        return "model " + name.strip() + " is used for new turns (until the next reload or restart; set [agent] model in "
                + "config.toml to keep it)\n";
    }

    @Descriptor("read config.toml again and apply it to the running daemon")
    public String reload() {
        ConfigurationLoader configuration = loader;
        if (configuration == null) {
            throw new IllegalStateException("the configuration bundle is not running");
        }
        ConfigReport report;
        try {
            report = configuration.load();
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage() + " (nothing was changed)");
        }
        StringBuilder text = new StringBuilder("reloaded ").append(report.file())
                .append(report.exists() ? "" : " (missing: defaults apply)").append('\n');
        report.warnings().forEach(warning -> text.append("warning: ").append(warning).append('\n'));
        if (!report.providerProblem().isEmpty()) {
            text.append("problem: ").append(report.providerProblem()).append('\n');
        }
        return text.toString();
    }

    @Descriptor("stop the daemon gracefully, as openpista stop does")
    public String shutdown() {
        DaemonControl process = daemon;
        if (process == null) {
            throw new IllegalStateException("this framework is not an openpista daemon");
        }
        process.requestStop("openpista:shutdown from the admin shell");
        return "openpista is shutting down\n";
    }

    private String describeModel(AgentStatus status) {
        if (!status.model().isEmpty()) {
            return status.model();
        }
        for (LlmProvider provider : providers) {
            try {
                if (provider.name().equals(status.provider())) {
                    return provider.defaultModel() + ", the provider's default";
                }
            } catch (RuntimeException | LinkageError gone) {
                // left while being looked at
            }
        }
        return "the provider's default";
    }

    private String channelId(ChannelAdapter adapter) {
        try {
            return adapter.id();
        } catch (RuntimeException | LinkageError e) {
            return "?";
        }
    }

    private static String withoutHeader(Table table) {
        String text = table.toString();
        return text.substring(text.indexOf('\n') + 1);
    }
}
