package org.openpista.shell.internal;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.felix.service.command.Descriptor;
import org.openpista.api.config.ConfigurationLoader;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.Version;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.runtime.ServiceComponentRuntime;

/**
 * {@code openpista:plugins}: the bundle jars in {@code $OPENPISTA_HOME/plugins/}, which FileInstall
 * installs, updates and uninstalls as they are dropped, replaced and deleted, each with the state of
 * its bundle, and for one plugin why it is not active (a missing package, a newer Java). {@code
 * openpista plugins install} polls the one-plugin form until the bundle is active or has failed.
 */
@Component(service = PluginCommands.class, property = {
    "osgi.command.scope=openpista",
    "osgi.command.function=plugins"
})
public class PluginCommands {

    /** FileInstall's framework property naming the watched folder. */
    static final String DIR_PROPERTY = "felix.fileinstall.dir";

    /** What {@link #problem} says when another thread is changing the bundle's state right now. */
    private static final String BUSY = "busy: its state is being changed";

    private static final Pattern JAVA_VERSION = Pattern.compile("osgi\\.ee=JavaSE\\)\\(version=([0-9.]+)\\)");
    private static final Pattern MISSING_PACKAGE = Pattern.compile("osgi\\.wiring\\.package;\\s*\\(&?\\(?osgi\\.wiring\\.package=([^)]+)\\)");

    /** The folder beside the plugins folder where the version a plugin replaced (or a removed plugin) is kept. */
    static final String PREVIOUS = "plugins-previous";

    private final BundleContext context;
    /** Declarative Services, to see a component that failed to activate in a bundle that is active. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile ServiceComponentRuntime components;

    @Activate
    public PluginCommands(BundleContext context) {
        this.context = context;
    }

    @Descriptor("list the plugin jars in $OPENPISTA_HOME/plugins with the state of their bundles")
    public String plugins() {
        List<Path> jars = pluginJars(context);
        if (jars.isEmpty()) {
            return "no plugins in " + pluginDir(context) + "\n";
        }
        Table table = new Table("PLUGIN", "BUNDLE", "STATE", "PREVIOUS");
        for (Path jar : jars) {
            Bundle bundle = bundleFor(jar);
            Path previous = previousDir(context).resolve(jar.getFileName());
            table.row(jar.getFileName(), bundle == null ? symbolicName(jar) : describe(bundle), state(jar, bundle),
                    Files.isRegularFile(previous) ? version(previous) : "-");
        }
        return table.toString();
    }

    @Descriptor("show one plugin: its bundle, its state and, when it is not active, why")
    public String plugins(@Descriptor("the jar's file name, or the bundle's symbolic name") String name) {
        Path jar = find(name);
        StringBuilder text = new StringBuilder();
        if (jar == null || !Files.exists(jar)) {
            Bundle leftover = jar == null ? null : installedAt(jar);
            text.append("plugin   ").append(name).append('\n');
            text.append("state    ").append(leftover == null ? "absent" : "removing").append('\n');
            return text.toString();
        }
        Bundle bundle = bundleFor(jar);
        // FileInstall may update the bundle while it is looked at: describe one revision, not a mix of two
        for (int attempt = 1; ; attempt++) {
            long modified = bundle == null ? 0 : bundle.getLastModified();
            String description = bundle == null ? symbolicName(jar) : describe(bundle);
            String state = state(jar, bundle);
            String problem = null;
            if (state.equals("failed")) {
                problem = problem(jar, bundle);
            } else if (state.equals("resolved")) {
                // FileInstall could not start it (its activator threw), or is about to: try, and keep the reason
                problem = problem(jar, bundle);
                int now = bundle.getState();
                state = now == Bundle.ACTIVE ? "active" : problem.equals(BUSY) || now == Bundle.STARTING ? "starting" : "failed";
            }
            if (state.equals("active") && bundle != null) {
                problem = failedComponent(bundle);
                state = problem == null ? state : "failed";
            }
            if (attempt < 5 && bundle != null && bundle.getLastModified() != modified) {
                continue;
            }
            text.append("plugin   ").append(jar.getFileName()).append('\n');
            text.append("bundle   ").append(description).append('\n');
            text.append("state    ").append(state).append('\n');
            text.append("modified ").append(modified).append('\n');
            if (state.equals("failed")) {
                text.append("problem  ").append(problem).append('\n');
            }
            return text.toString();
        }
    }

    /** @return active, starting, stopping, resolved, installed, failed (cannot resolve), waiting (not installed yet) */
    private String state(Path jar, Bundle bundle) {
        if (bundle == null) {
            return symbolicName(jar).startsWith("not a bundle") ? "failed" : "waiting";
        }
        switch (bundle.getState()) {
            case Bundle.ACTIVE:
                return "active";
            case Bundle.STARTING:
                return "starting";
            case Bundle.STOPPING:
                return "stopping";
            case Bundle.RESOLVED:
                return isFragment(bundle) ? "active" : "resolved";
            case Bundle.INSTALLED:
                FrameworkWiring wiring = context.getBundle(0).adapt(FrameworkWiring.class);
                return wiring.resolveBundles(List.of(bundle)) ? "resolved" : "failed";
            default:
                return "uninstalled";
        }
    }

    /** @return one line saying why the plugin's bundle cannot run */
    private String problem(Path jar, Bundle bundle) {
        if (bundle == null) {
            return symbolicName(jar);
        }
        try {
            // the start fails exactly like FileInstall's did, and its message names the unresolved requirement
            bundle.start(Bundle.START_TRANSIENT);
            return "none (it started now)";
        } catch (BundleException e) {
            if (e.getType() == BundleException.STATECHANGE_ERROR) {
                // FileInstall (or the framework's refresh) is starting or stopping it right now
                return BUSY;
            }
            return explain(e.getMessage());
        } catch (IllegalStateException e) {
            return "the bundle was uninstalled meanwhile";
        }
    }

    /** @return why a component of the bundle failed to activate, or {@code null} when none did */
    private String failedComponent(Bundle bundle) {
        return BundleStates.failedComponent(components, bundle);
    }

    /** Turns the resolver's message into one line a user can act on. */
    static String explain(String message) {
        String text = message == null ? "unknown" : message.replaceAll("\\s+", " ").strip();
        Matcher java = JAVA_VERSION.matcher(text);
        if (java.find()) {
            return "it needs Java " + java.group(1) + " or newer, but the daemon runs on Java "
                    + System.getProperty("java.specification.version") + " (" + text + ")";
        }
        Matcher missing = MISSING_PACKAGE.matcher(text);
        if (missing.find()) {
            return "it imports the package " + missing.group(1).strip() + ", which no installed bundle exports (" + text + ")";
        }
        return text;
    }

    private Path find(String name) {
        Path dir = pluginDir(context);
        String wanted = name.strip();
        Path direct = dir.resolve(wanted.toLowerCase(Locale.ROOT).endsWith(".jar") ? wanted : wanted + ".jar");
        if (Files.exists(direct) || wanted.toLowerCase(Locale.ROOT).endsWith(".jar")) {
            return direct.normalize();
        }
        for (Path jar : pluginJars(context)) {
            if (symbolicName(jar).equals(wanted)) {
                return jar;
            }
        }
        return null;
    }

    /** The bundle FileInstall made of a jar: installed from its location, or (same name and version) updated from it. */
    private Bundle bundleFor(Path jar) {
        Bundle installed = installedAt(jar);
        if (installed != null) {
            return installed;
        }
        Manifest manifest = manifest(jar);
        if (manifest == null) {
            return null;
        }
        Attributes main = manifest.getMainAttributes();
        String name = bsn(main.getValue(Constants.BUNDLE_SYMBOLICNAME));
        String version = main.getValue(Constants.BUNDLE_VERSION);
        for (Bundle bundle : context.getBundles()) {
            if (name != null && name.equals(bundle.getSymbolicName())
                    && Version.parseVersion(version).equals(bundle.getVersion())) {
                return bundle;
            }
        }
        return null;
    }

    private Bundle installedAt(Path jar) {
        for (Bundle bundle : context.getBundles()) {
            String location = bundle.getLocation();
            if (location.startsWith("file:")) {
                try {
                    if (Path.of(URI.create(location)).normalize().equals(jar.toAbsolutePath().normalize())) {
                        return bundle;
                    }
                } catch (RuntimeException notAPath) {
                    // some other kind of location
                }
            }
        }
        return null;
    }

    private static String describe(Bundle bundle) {
        return bundle.getSymbolicName() + " " + bundle.getVersion() + " [" + bundle.getBundleId() + "]";
    }

    private static boolean isFragment(Bundle bundle) {
        return bundle.getHeaders().get(Constants.FRAGMENT_HOST) != null;
    }

    private static String symbolicName(Path jar) {
        Manifest manifest = manifest(jar);
        String name = manifest == null ? null : bsn(manifest.getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME));
        return name == null ? "not a bundle: " + jar.getFileName() + " has no Bundle-SymbolicName in its manifest" : name;
    }

    private static String bsn(String header) {
        if (header == null) {
            return null;
        }
        int semicolon = header.indexOf(';');
        return (semicolon < 0 ? header : header.substring(0, semicolon)).strip();
    }

    private static Manifest manifest(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.getManifest();
        } catch (IOException e) {
            return null;
        }
    }

    /** @return the Bundle-Version of a jar, or {@code ?} */
    static String version(Path jar) {
        Manifest manifest = manifest(jar);
        String version = manifest == null ? null : manifest.getMainAttributes().getValue(Constants.BUNDLE_VERSION);
        return version == null ? "?" : Version.parseVersion(version.strip()).toString();
    }

    /** @return where the version a plugin replaced, or a removed plugin, is kept for {@code plugins rollback} */
    static Path previousDir(BundleContext context) {
        return pluginDir(context).toAbsolutePath().resolveSibling(PREVIOUS);
    }

    static Path pluginDir(BundleContext context) {
        String dir = context.getProperty(DIR_PROPERTY);
        if (dir == null || dir.isBlank()) {
            return ConfigurationLoader.home(context).resolve("plugins");
        }
        return Path.of(dir);
    }

    static List<Path> pluginJars(BundleContext context) {
        Path dir = pluginDir(context);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return new ArrayList<>(files.filter(path -> path.getFileName().toString().endsWith(".jar")).sorted().toList());
        } catch (IOException e) {
            return List.of();
        }
    }
}
