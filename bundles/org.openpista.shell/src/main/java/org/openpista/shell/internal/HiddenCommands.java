package org.openpista.shell.internal;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.hooks.service.EventListenerHook;
import org.osgi.framework.hooks.service.FindHook;
import org.osgi.framework.hooks.service.ListenerHook.ListenerInfo;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps Gogo commands that open a network listener out of the admin shell: Felix's Gogo shell
 * bundle registers {@code gogo:telnetd}, which would let an admin session serve a shell on TCP,
 * while openpista promises that nothing listens on TCP. The other commands of that bundle ({@code
 * echo}, {@code grep}, {@code each}, …) and Felix's own ({@code lb}, {@code help}, …) stay.
 *
 * <p>Service hooks hide such command services from every other bundle, so Gogo never adds them,
 * and a Gogo that added one before this bundle started has it removed. The hooks are registered as
 * a plain object rather than as this component's services: they look services up themselves,
 * which from inside their own activation would be a cycle. The framework's own context is beyond
 * service hooks, and Felix's {@code help} lists commands through it, so {@code help} may still name
 * {@code gogo:telnetd}; running it answers "Command not found". Not shipping Felix's Gogo shell
 * bundle in the daemon would remove that name too.
 */
@Component(service = {}, immediate = true)
public final class HiddenCommands {

    /** The functions that open a network listener. */
    static final Set<String> HIDDEN = Set.of("telnetd");

    private static final Logger LOG = LoggerFactory.getLogger(HiddenCommands.class);
    private static final String SCOPE = "osgi.command.scope";
    private static final String FUNCTION = "osgi.command.function";

    private final BundleContext context;
    private final ServiceRegistration<?> hooks;

    @Activate
    public HiddenCommands(BundleContext context) {
        this.context = context;
        this.hooks = context.registerService(new String[] {FindHook.class.getName(), EventListenerHook.class.getName()},
                new Hooks(), null);
    }

    @Deactivate
    void deactivate() {
        hooks.unregister();
    }

    /** A command processor that may have added a hidden command before the hooks were there: it loses it. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addProcessor(CommandProcessor processor) {
        ServiceReference<?>[] references;
        try {
            // all of them: only properties are read, whatever classes the services implement
            references = context.getAllServiceReferences(null, "(" + FUNCTION + "=*)");
        } catch (InvalidSyntaxException cannotHappen) {
            return;
        }
        if (references == null) {
            return;
        }
        PrintStream discard = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), discard, discard);
        try {
            for (ServiceReference<?> reference : references) {
                for (String function : functions(reference.getProperty(FUNCTION))) {
                    if (HIDDEN.contains(function.toLowerCase(Locale.ROOT))) {
                        // Gogo's own command for it, so that this works with the processor's public interface
                        session.execute("osgi:removeCommand " + reference.getProperty(SCOPE) + " " + function);
                        LOG.info("{}:{} is not offered in the admin shell", reference.getProperty(SCOPE), function);
                    }
                }
            }
        } catch (Exception e) {
            LOG.warn("Cannot take the commands that open network listeners out of Gogo: {}", e.getMessage());
        } finally {
            session.close();
        }
    }

    void removeProcessor(CommandProcessor processor) {
        // nothing to undo
    }

    /** The hooks: what this bundle hides, hidden from everyone else. */
    private final class Hooks implements FindHook, EventListenerHook {
        @Override
        public void find(BundleContext asking, String name, String filter, boolean allServices,
                Collection<ServiceReference<?>> references) {
            references.removeIf(reference -> hiddenFrom(asking, reference));
        }

        @Override
        public void event(ServiceEvent event, Map<BundleContext, Collection<ListenerInfo>> listeners) {
            // the end of such a service is told to everyone: a Gogo that added it before this bundle started lets it go
            if (event.getType() == ServiceEvent.UNREGISTERING || !hides(event.getServiceReference())) {
                return;
            }
            for (Iterator<BundleContext> contexts = listeners.keySet().iterator(); contexts.hasNext();) {
                if (hiddenFrom(contexts.next(), event.getServiceReference())) {
                    contexts.remove();
                }
            }
        }
    }

    /** @return whether a bundle must not see the service: anyone but its owner and this bundle */
    private boolean hiddenFrom(BundleContext asking, ServiceReference<?> reference) {
        if (!hides(reference)) {
            return false;
        }
        long id = asking.getBundle().getBundleId();
        return id != context.getBundle().getBundleId() && reference.getBundle() != null
                && id != reference.getBundle().getBundleId();
    }

    private static boolean hides(ServiceReference<?> reference) {
        return reference.getProperty(SCOPE) != null
                && functions(reference.getProperty(FUNCTION)).stream().anyMatch(function -> HIDDEN.contains(function
                        .toLowerCase(Locale.ROOT)));
    }

    /** @return the functions of a command service, whose property may be a string, an array or a collection */
    static List<String> functions(Object property) {
        if (property == null) {
            return List.of();
        }
        if (property instanceof Object[] array) {
            return Arrays.stream(array).map(String::valueOf).toList();
        }
        if (property instanceof Collection<?> collection) {
            return collection.stream().map(String::valueOf).toList();
        }
        return List.of(property.toString());
    }
}
