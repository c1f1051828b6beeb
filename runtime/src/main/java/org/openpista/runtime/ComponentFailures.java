package org.openpista.runtime;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The components Declarative Services could not activate, to name what is wrong when a service does not appear. */
final class ComponentFailures {

    private static final Logger LOG = LoggerFactory.getLogger(ComponentFailures.class);

    private ComponentFailures() {}

    /**
     * The components whose activation failed, with the first line of their failure, read from
     * Declarative Services' runtime service (through reflection: the launcher does not share those
     * packages with the bundles).
     */
    static List<String> of(BundleContext context) {
        List<String> failures = new ArrayList<>();
        String runtimeType = "org.osgi.service.component.runtime.ServiceComponentRuntime";
        ServiceReference<?> reference = context.getServiceReference(runtimeType);
        Object scr = reference == null ? null : context.getService(reference);
        if (scr == null) {
            return failures;
        }
        try {
            Class<?> api = scr.getClass().getClassLoader().loadClass(runtimeType);
            Method descriptions = api.getMethod("getComponentDescriptionDTOs", Bundle[].class);
            Class<?> descriptionType = api.getClassLoader().loadClass("org.osgi.service.component.runtime.dto.ComponentDescriptionDTO");
            Method configurations = api.getMethod("getComponentConfigurationDTOs", descriptionType);
            for (Object description : (Collection<?>) descriptions.invoke(scr, (Object) new Bundle[0])) {
                for (Object configuration : (Collection<?>) configurations.invoke(scr, description)) {
                    int state = configuration.getClass().getField("state").getInt(configuration);
                    String failure = String.valueOf(configuration.getClass().getField("failure").get(configuration));
                    // FAILED_ACTIVATION; a component that failed only because another one did says nothing new
                    if (state == 16 && !failure.contains("Unable to get service for reference")) {
                        String name = (String) description.getClass().getField("name").get(description);
                        failures.add(shortName(name) + " failed: " + firstCause(failure));
                    }
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("Cannot read the state of the components", e);
        } finally {
            context.ungetService(reference);
        }
        return failures;
    }

    /** @return the message of the innermost cause in a stack trace's text, which names what is wrong */
    static String firstCause(String trace) {
        String message = trace.lines().findFirst().orElse("");
        for (String line : trace.lines().toList()) {
            if (line.startsWith("Caused by: ")) {
                message = line.substring("Caused by: ".length());
            }
        }
        int colon = message.indexOf(": ");
        return OsgiRuntime.oneLine(colon > 0 && message.substring(0, colon).matches("[\\w.$]+") ? message.substring(colon + 2) : message);
    }

    private static String shortName(String component) {
        int dot = component.lastIndexOf('.');
        return dot < 0 ? component : component.substring(dot + 1);
    }

}
