package org.openpista.core.internal;

import java.util.concurrent.atomic.AtomicReference;
import org.openpista.api.llm.ToolSpec;
import org.openpista.api.tool.Tool;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.ComponentServiceObjects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One registered tool service, got only when it is needed. A service that publishes its spec ({@link
 * Tool#DESCRIPTION}, {@link Tool#PARAMETERS}) is described from its properties and got at its first
 * call, so its component stays inactive until then; one that does not is got the first time its spec
 * is asked. Declarative Services releases what was got when the service leaves.
 */
final class ToolService {

    private static final Logger LOG = LoggerFactory.getLogger(ToolService.class);

    private final String name;
    private final ServiceReference<Tool> reference;
    private final ComponentServiceObjects<Tool> objects;
    private final Bundle bundle;
    private final Object lock = new Object();
    private volatile Tool tool;
    /** The spec its properties publish, read again when they change ({@link #propertiesChanged}); {@code null}: none. */
    private volatile ToolSpec published;
    /** The spec last offered under its name (published, asked of it, or of the version before it), for a swap. */
    private final AtomicReference<ToolSpec> lastSpec = new AtomicReference<>();

    ToolService(String name, ServiceReference<Tool> reference, ComponentServiceObjects<Tool> objects) {
        this.name = name;
        this.reference = reference;
        this.objects = objects;
        this.bundle = reference.getBundle();
        this.published = published(name, reference);
        this.lastSpec.set(published);
    }

    /** Its service properties were modified: they are read again (not at every turn: each read takes a lock of the framework). */
    void propertiesChanged() {
        published = published(name, reference);
    }

    /**
     * @return the spec a service's properties publish ({@link Tool#DESCRIPTION} set as text), or
     *     {@code null} when it publishes none
     */
    static ToolSpec published(String name, ServiceReference<?> reference) {
        if (!(reference.getProperty(Tool.DESCRIPTION) instanceof String description)) {
            return null;
        }
        Object parameters = reference.getProperty(Tool.PARAMETERS);
        return new ToolSpec(name, description, parameters instanceof String text ? text : null);
    }

    String name() {
        return name;
    }

    ServiceReference<Tool> reference() {
        return reference;
    }

    Bundle bundle() {
        return bundle;
    }

    /** @return whether its spec comes from its properties (its service is got at the first call) */
    boolean publishesSpec() {
        return published != null;
    }

    /** @return whether the service has been got */
    boolean got() {
        return tool != null;
    }

    /**
     * @return the service, got now if it was not yet (for a Declarative Services component this
     *     activates it); {@code null} when it is gone or its component failed to activate
     */
    Tool tool() {
        Tool current = tool;
        if (current != null) {
            return current;
        }
        synchronized (lock) {
            if (tool == null) {
                try {
                    tool = objects.getService();
                } catch (IllegalStateException gone) {
                    return null;
                }
            }
            return tool;
        }
    }

    /**
     * @return the spec offered to the model: the published one, else the service's own (got now if
     *     needed) under the registered name; {@code null} when the service cannot describe itself
     */
    ToolSpec spec() {
        ToolSpec published = this.published;
        if (published != null) {
            if (lastSpec.get() != published) {
                lastSpec.set(published);
            }
            return published;
        }
        Tool service = tool();
        if (service == null) {
            return null;
        }
        try {
            ToolSpec spec = service.spec();
            if (!spec.name().equals(name)) {
                // the service property is what the registry promises; keep the model consistent with it
                spec = new ToolSpec(name, spec.description(), spec.parametersSchema());
            }
            lastSpec.set(spec);
            return spec;
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("Tool {} cannot describe itself and is left out", name, e);
            return null;
        }
    }

    /**
     * Takes the spec of the version it replaces as its last one, until it is asked for its own: when
     * it leaves before it was ever listed, a swap keeps offering what the model saw last.
     */
    void follow(ToolSpec previous) {
        if (previous != null) {
            lastSpec.compareAndSet(null, previous);
        }
    }

    /**
     * @return the last spec offered under its name, without getting the service (its component may
     *     be going away); the service's own when it was got already; {@code null} when there is none
     */
    ToolSpec lastSpec() {
        ToolSpec last = lastSpec.get();
        return last == null && got() ? spec() : last;
    }
}
