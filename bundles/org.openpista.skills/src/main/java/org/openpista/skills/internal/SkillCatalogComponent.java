package org.openpista.skills.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.openpista.api.agent.PromptContributor;
import org.openpista.api.config.ConfigurationLoader;
import org.openpista.api.sandbox.Sandbox;
import org.openpista.api.settings.SettingsSection;
import org.openpista.api.skill.SkillCatalog;
import org.openpista.api.skill.SkillException;
import org.openpista.api.skill.SkillInfo;
import org.openpista.api.skill.SkillStatus;
import org.openpista.api.tool.Tool;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The skill catalog: finds skill folders in the bundled skills ({@code <dist>/skills}), {@code
 * $OPENPISTA_HOME/skills} and the workspace, registers one {@link Tool} service {@code
 * skill.<name>} per skill, and contributes the list of skills to the system prompt.
 *
 * <p>The catalog is delayed: the agent gets it at its first prompt, {@code openpista:tools} and
 * {@code mcp serve} before they list the tools, so an idle daemon neither parses skills nor runs
 * the scan thread. The first scan runs on the catalog's own thread; the first prompt waits for it. Changes to the folders take effect without a restart: a
 * background scan every {@code scan_interval_secs} and a scan before each turn's prompt (when the last one is older than a
 * second) register, re-register or unregister the tools. A scan walks the folders and re-reads
 * only skills whose files changed.
 *
 * <p>Sandboxes are tracked by reference only and fetched for one run at a time, so the docker and
 * wasm sandboxes are not activated before a skill of their mode runs.
 */
@Component(
        service = {PromptContributor.class, SkillCatalog.class},
        configurationPid = SkillCatalogComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = SkillCatalogComponent.Config.class)
@SettingsSection(value = "skills", pid = SkillCatalogComponent.PID,
        formats = {"workspace=path", "bundled_dir=path", "pass_env=csv"})
public final class SkillCatalogComponent implements PromptContributor, SkillCatalog {

    /** The configuration PID, the {@code [skills]} section. */
    static final String PID = "org.openpista.skills";

    private static final Logger LOG = LoggerFactory.getLogger(SkillCatalogComponent.class);

    /** The {@code [skills]} section of config.toml (the docker and wasm sandboxes declare their own keys of it). */
    @ObjectClassDefinition(name = "openpista skills", description = "Where skills are found and how they run.")
    public @interface Config {
        @AttributeDefinition(name = "Workspace", description = "The workspace; skills in it are found too, and runs see it."
                + " Empty: <openpista.home>/workspace; a relative path is taken relative to the openpista home.")
        String workspace() default "";

        @AttributeDefinition(name = "Allow host fallback", description = "Let a docker skill run in the subprocess sandbox"
                + " (bubblewrap, or the host without isolation) when Docker is unavailable. Off: such a call is refused.")
        boolean allow_host_fallback() default false;

        @AttributeDefinition(name = "Require Docker", description = "Refuse docker skills when Docker is unreachable, even"
                + " with allow_host_fallback.")
        boolean require_docker() default false;

        @AttributeDefinition(name = "Passed variables", description = "Names of the daemon's environment variables that every"
                + " skill gets besides its own (SKILL_NAME, SKILL_ARGS, ...) and the sandbox's (PATH, HOME, LANG, ...);"
                + " nothing else of the daemon's environment reaches a skill.")
        String[] pass_env() default {};

        @AttributeDefinition(name = "Bundled skills", description = "Folder of the skills shipped with openpista. Empty: <openpista.dist>/skills.")
        String bundled_dir() default "";

        @AttributeDefinition(name = "Scan interval (s)", description = "Seconds between looks at the skill folders for changes;"
                + " 0 turns the background scan off.", min = "0", max = "3600")
        int scan_interval_secs() default 2;

        @AttributeDefinition(name = "Prompt size (characters)", description = "The most characters the skills list may add to the system prompt.")
        int max_prompt_chars() default 4_000;

        @AttributeDefinition(name = "Output limit (characters)", description = "Characters kept of a skill's stdout and stderr each.")
        int max_output_chars() default 10_000;

        @AttributeDefinition(name = "Memory (MB)", description = "Memory limit of docker and wasm skill runs.")
        int memory_mb() default 256;

        @AttributeDefinition(name = "Scan depth", description = "How deep below each root skill folders are looked for.")
        int scan_depth() default 6;
    }

    private final BundleContext context;
    private final List<SkillScanner.Root> roots;
    private final Path homeSkills;
    private final SkillScanner scanner;
    private final SkillRunner runner;
    private final PromptSection prompt;
    private final long minRescanNanos = TimeUnit.SECONDS.toNanos(1);
    private final Map<String, Registered> registered = new HashMap<>();
    private final ScheduledExecutorService scheduler;
    private final CompletableFuture<Void> initialScan;
    private volatile List<Skill> current = List.of();
    private volatile List<String> problems = List.of();
    private volatile Map<String, List<Skill>> shadowed = Map.of();
    private volatile long lastScan;
    private boolean closed;

    @Reference(service = Sandbox.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    volatile List<ServiceReference<Sandbox>> sandboxes = List.of();

    private record Registered(Skill skill, ServiceRegistration<Tool> registration) {}

    @Activate
    public SkillCatalogComponent(BundleContext context, Config config) {
        this.context = context;
        Path home = ConfigurationLoader.home(context);
        Path workspace = config.workspace().isBlank() ? home.resolve("workspace") : ConfigurationLoader.resolve(home, config.workspace());
        String dist = context.getProperty("openpista.dist");
        Path bundled = !config.bundled_dir().isBlank() ? Path.of(expand(config.bundled_dir()))
                : dist == null || dist.isBlank() ? null : Path.of(dist).resolve("skills");
        this.homeSkills = home.resolve("skills");
        List<SkillScanner.Root> list = new ArrayList<>();
        if (bundled != null) {
            list.add(new SkillScanner.Root(bundled.toAbsolutePath().normalize(), "bundled"));
        }
        list.add(new SkillScanner.Root(homeSkills, "home"));
        list.add(new SkillScanner.Root(workspace.toAbsolutePath().normalize(), "workspace"));
        this.roots = List.copyOf(list);
        this.scanner = new SkillScanner(Math.max(1, config.scan_depth()), 5_000);
        this.runner = new SkillRunner(new SkillRunner.Settings(workspace.toAbsolutePath().normalize(),
                config.require_docker(), config.allow_host_fallback(), Math.max(100, config.max_output_chars()),
                Math.max(16, config.memory_mb()) * 1024L * 1024L, passed(config.pass_env(), ConfigurationLoader.environment(context))),
                this::sandbox, new ObjectMapper());
        this.prompt = new PromptSection(Math.max(200, config.max_prompt_chars()));
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "openpista-skills-scan");
            thread.setDaemon(true);
            return thread;
        });
        // the first prompt waits for the first scan (YAML parsing included), and the core asks for
        // the prompt before it lists the tools
        this.initialScan = CompletableFuture.runAsync(this::refreshQuietly, scheduler);
        int interval = config.scan_interval_secs();
        if (interval > 0) {
            scheduler.scheduleWithFixedDelay(this::refreshQuietly, interval, interval, TimeUnit.SECONDS);
        }
    }

    /** Waits for the first scan, so nobody sees an empty catalog just because start-up is still going. */
    private void awaitInitialScan() {
        try {
            initialScan.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("The first look for skills did not finish: {}", e.toString());
        }
    }

    @Deactivate
    void deactivate() {
        scheduler.shutdownNow();
        synchronized (this) {
            closed = true;
            for (Registered entry : registered.values()) {
                unregister(entry.registration);
            }
            registered.clear();
        }
    }

    @Override
    public String contribute(String sessionId) {
        awaitInitialScan();
        if (System.nanoTime() - lastScan > minRescanNanos) {
            refreshQuietly();
        }
        return prompt.render(current);
    }

    @Override
    public List<SkillInfo> skills() {
        awaitInitialScan();
        refresh();
        return current.stream().map(Skill::info).toList();
    }

    @Override
    public List<SkillStatus> status() {
        List<SkillInfo> listed = skills();
        Map<String, Skill> byName = new HashMap<>();
        current.forEach(skill -> byName.put(skill.name(), skill));
        Map<String, List<Skill>> hidden = shadowed;
        IsolationCheck isolation = new IsolationCheck(this::sandbox, runner.settings());
        List<SkillStatus> status = new ArrayList<>();
        for (SkillInfo info : listed) {
            Skill skill = byName.get(info.name());
            String how = skill == null ? "" : isolation.of(skill);
            status.add(new SkillStatus(info, how, hidden.getOrDefault(info.name(), List.of()).stream().map(Skill::info).toList()));
        }
        return status;
    }

    /**
     * @return what the owner is told with the approval question: where the skill comes from, what it
     *     shadows and how it runs (the sandbox it asks for, and whether it may fall back to the host)
     */
    static String approvalNote(Skill skill, List<Skill> shadows, boolean fallsBack) {
        StringBuilder note = new StringBuilder(skill.origin()).append(" skill from ").append(skill.folder());
        for (Skill hidden : shadows) {
            note.append("; it shadows the ").append(hidden.origin()).append(" skill of the same name in ").append(hidden.folder());
        }
        note.append("; runs ").append(switch (skill.mode()) {
            case "docker" -> fallsBack ? "in a Docker container, or on the host when Docker is unreachable"
                    : "in a Docker container only";
            case "wasm" -> "in the WebAssembly sandbox";
            default -> "in the subprocess sandbox (bubblewrap where it works, else on the host without isolation)";
        });
        return note.toString();
    }

    /** @return the daemon's variables that {@code pass_env} names and that are set */
    static Map<String, String> passed(String[] names, Map<String, String> daemon) {
        Map<String, String> passed = new HashMap<>();
        for (String name : names == null ? new String[0] : names) {
            String value = name == null ? null : daemon.get(name.strip());
            if (value != null) {
                passed.put(name.strip(), value);
            }
        }
        return passed;
    }

    /** @return the problems of the last scan: folders with a SKILL.md that is not a valid skill */
    List<String> problems() {
        return problems;
    }

    @Override
    public SkillInfo install(Path archive, boolean replace) throws SkillException {
        awaitInitialScan();
        Skill skill = new ArchiveInstaller().install(archive, homeSkills, replace);
        refresh();
        LOG.info("Installed skill {} into {}", skill.name(), skill.folder());
        return skill.info();
    }

    @Override
    public void remove(String name) throws SkillException {
        awaitInitialScan();
        Path folder;
        try {
            folder = homeSkills.resolve(name).normalize();
        } catch (InvalidPathException e) {
            throw new SkillException("no installed skill named " + name, e);
        }
        if (name.isBlank() || !folder.getParent().equals(homeSkills.normalize())
                || !Files.isRegularFile(folder.resolve(SkillFile.FILE_NAME), LinkOption.NOFOLLOW_LINKS)) {
            throw new SkillException("no installed skill named " + name + " in " + homeSkills, null);
        }
        ArchiveInstaller.deleteTree(folder);
        if (Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
            throw new SkillException("could not remove " + folder + " completely", null);
        }
        refresh();
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            LOG.warn("Looking for skills failed", e);
        }
    }

    /** Scans the roots and brings the tool registrations in line with what was found. */
    synchronized void refresh() {
        if (closed) {
            return;
        }
        SkillScanner.Result result = scanner.scan(roots);
        Set<String> seen = new HashSet<>();
        for (Skill skill : result.skills().values()) {
            seen.add(skill.name());
            Registered old = registered.get(skill.name());
            if (old != null && old.skill.equals(skill)) {
                continue;
            }
            if (old != null) {
                unregister(old.registration);
            }
            Dictionary<String, Object> properties = new Hashtable<>();
            properties.put(Tool.NAME, skill.toolName());
            properties.put("skill.mode", skill.mode());
            properties.put("skill.origin", skill.origin());
            if (result.shadowed().containsKey(skill.name())) {
                properties.put("skill.shadows", result.shadowed().get(skill.name()).stream()
                        .map(hidden -> hidden.origin() + ":" + hidden.folder()).toArray(String[]::new));
            }
            properties.put(Tool.APPROVAL_NOTE, approvalNote(skill, result.shadowed().getOrDefault(skill.name(), List.of()),
                    runner.settings().fallsBack()));
            ServiceRegistration<Tool> registration =
                    context.registerService(Tool.class, new SkillTool(skill, runner), properties);
            registered.put(skill.name(), new Registered(skill, registration));
            LOG.info("Skill {} ({}) {} from {}", skill.name(), skill.mode(), old == null ? "available" : "updated",
                    skill.folder());
        }
        for (String name : new ArrayList<>(registered.keySet())) {
            if (!seen.contains(name)) {
                unregister(registered.remove(name).registration);
                LOG.info("Skill {} removed", name);
            }
        }
        for (Map.Entry<String, List<Skill>> entry : result.shadowed().entrySet()) {
            Skill winner = result.skills().get(entry.getKey());
            List<Skill> before = shadowed.get(entry.getKey());
            if (winner != null && !entry.getValue().equals(before)) {
                for (Skill hidden : entry.getValue()) {
                    LOG.warn("Skill {} from the {} ({}) shadows the {} skill of the same name in {}", winner.name(),
                            winner.origin(), winner.folder(), hidden.origin(), hidden.folder());
                }
            }
        }
        for (String problem : result.problems()) {
            if (!problems.contains(problem)) {
                LOG.warn("Skipping a skill: {}", problem);
            }
        }
        current = List.copyOf(result.skills().values());
        problems = List.copyOf(result.problems());
        shadowed = Map.copyOf(result.shadowed());
        lastScan = System.nanoTime();
    }

    private Optional<SandboxLookup.Lease> sandbox(String type) {
        for (ServiceReference<Sandbox> reference : sandboxes) {
            if (type.equals(String.valueOf(reference.getProperty(Sandbox.TYPE)))) {
                Sandbox sandbox = context.getService(reference);
                if (sandbox != null) {
                    // a reference whose service was unregistered has no bundle any more
                    return Optional.of(new SandboxLookup.Lease(sandbox, () -> ungetQuietly(reference),
                            () -> reference.getBundle() == null));
                }
            }
        }
        return Optional.empty();
    }

    private void ungetQuietly(ServiceReference<Sandbox> reference) {
        try {
            context.ungetService(reference);
        } catch (IllegalStateException stopping) {
            // the bundle stopped while the run went on
        }
    }

    private static void unregister(ServiceRegistration<?> registration) {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the bundle is stopping and the framework took it down first
        }
    }

    static String expand(String path) {
        if (path.equals("~") || path.startsWith("~/")) {
            return System.getProperty("user.home") + path.substring(1);
        }
        return path;
    }
}
