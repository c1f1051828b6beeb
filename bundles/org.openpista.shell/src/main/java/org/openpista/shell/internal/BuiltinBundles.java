package org.openpista.shell.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.felix.service.command.Descriptor;
import org.openpista.api.config.ConfigurationLoader;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.runtime.ServiceComponentRuntime;

/**
 * {@code openpista:bundles}: the built-in bundles of the running daemon (those of the distribution,
 * not the plugins) with their versions, and their swaps: {@code openpista:bundles update NAME JAR}
 * and {@code openpista:bundles rollback NAME}, which {@code openpista bundles update|rollback} send
 * over the admin socket. See {@link BuiltinSwapper}. The last line of a swap's answer is {@code
 * status ok} or {@code status failed}.
 */
@Component(service = BuiltinBundles.class, property = {
    "osgi.command.scope=openpista",
    "osgi.command.function=bundles"
})
public class BuiltinBundles {

    /** Bundles a swap may not replace: the framework, and this bundle, whose command would end mid-swap. */
    private static final Set<String> FIXED = Set.of("org.apache.felix.framework", "system.bundle", "org.openpista.shell");

    private final BundleContext context;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile ServiceComponentRuntime components;

    @Activate
    public BuiltinBundles(BundleContext context) {
        this.context = context;
    }

    @Descriptor("list the built-in bundles with their version, state and the previous version kept for rollback")
    public String bundles() {
        BuiltinSwapper swapper = swapper();
        Table table = new Table("BUNDLE", "VERSION", "STATE", "PREVIOUS");
        for (Bundle bundle : context.getBundles()) {
            if (builtIn(bundle)) {
                Path previous = swapper.previous(bundle.getSymbolicName());
                table.row(bundle.getSymbolicName(), bundle.getVersion(), BundleStates.state(bundle),
                        Files.isRegularFile(previous) ? PluginCommands.version(previous) : "-");
            }
        }
        return table.toString();
    }

    @Descriptor("openpista:bundles rollback NAME: puts back the version the last swap replaced")
    public String bundles(@Descriptor("rollback") String verb, @Descriptor("the bundle's symbolic name") String name)
            throws InterruptedException {
        return answer(verb, name, null);
    }

    @Descriptor("openpista:bundles update NAME JAR: runs another version of a built-in bundle in place")
    public String bundles(@Descriptor("update") String verb, @Descriptor("the bundle's symbolic name") String name,
            @Descriptor("the new version's jar") String jar) throws InterruptedException {
        return answer(verb, name, jar);
    }

    private String answer(String verb, String name, String jar) throws InterruptedException {
        try {
            return String.join("\n", run(verb, name, jar)) + "\n";
        } catch (IOException e) {
            return "openpista: " + e.getMessage() + "\nstatus failed\n";
        }
    }

    private List<String> run(String verb, String name, String jar) throws IOException, InterruptedException {
        Bundle bundle = find(name);
        if (bundle == null) {
            return List.of("openpista: no built-in bundle " + name + " (see 'openpista bundles list'; plugins are "
                    + "swapped with 'openpista plugins update')", "status failed");
        }
        if (FIXED.contains(name)) {
            return List.of("openpista: " + name + " cannot be swapped while the daemon runs; replace it in the "
                    + "distribution and restart", "status failed");
        }
        BuiltinSwapper swapper = swapper();
        BuiltinSwapper.Result result;
        switch (verb) {
            case "update" -> {
                if (jar == null) {
                    return List.of("openpista: usage: openpista:bundles update NAME JAR", "status failed");
                }
                Path given = Path.of(jar).toAbsolutePath();
                String givenName = Files.isRegularFile(given) ? PluginsCommand.symbolicName(given) : null;
                if (!name.equals(givenName)) {
                    return List.of("openpista: " + given + (givenName == null ? " is not a bundle jar"
                            : " is " + givenName + ", not " + name), "status failed");
                }
                result = swapper.swap(bundle, given, "updated");
            }
            case "rollback" -> {
                Path previous = swapper.previous(name);
                if (!Files.isRegularFile(previous)) {
                    return List.of("openpista: no previous version of " + name + " is kept in " + previous.getParent(),
                            "status failed");
                }
                result = swapper.swap(bundle, previous, "rolled back");
            }
            default -> {
                return List.of("openpista: unknown verb " + verb + "; use update or rollback", "status failed");
            }
        }
        List<String> lines = new ArrayList<>(result.lines());
        lines.add(result.ok() ? "status ok" : "status failed");
        return lines;
    }

    private BuiltinSwapper swapper() {
        return new BuiltinSwapper(context, ConfigurationLoader.home(context), this::failedComponent);
    }

    /** @return the built-in bundle of that symbolic name, or {@code null} */
    private Bundle find(String name) {
        return Arrays.stream(context.getBundles()).filter(bundle -> name.equals(bundle.getSymbolicName()))
                .filter(this::builtIn).findFirst().orElse(null);
    }

    /** A bundle of the distribution: the launcher installs those by reference, FileInstall the plugins by file. */
    private boolean builtIn(Bundle bundle) {
        return bundle.getBundleId() != 0 && bundle.getSymbolicName() != null && bundle.getLocation().startsWith("reference:");
    }

    /** @return why a component of the bundle failed to activate, or {@code null} when none did */
    private String failedComponent(Bundle bundle) {
        return BundleStates.failedComponent(components, bundle);
    }
}
