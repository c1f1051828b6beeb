package org.openpista.runtime;

import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.launch.Framework;

/**
 * Experiment (issue 15): Apache Felix Atomos in class path mode, when {@code -Dopenpista.atomos=on}
 * and Atomos is on the class path. The bundle jars the launcher put on the class path are installed
 * as connect bundles (their classes load through the application class loader); the others as
 * usual. Reflection keeps Atomos out of the build while this is measured.
 */
final class AtomosSpike {

    private final Object atomos;
    private final Map<Path, Object> contents = new HashMap<>();

    private AtomosSpike(Object atomos) {
        this.atomos = atomos;
    }

    static AtomosSpike ifOn() {
        if (!"on".equals(System.getProperty("openpista.atomos"))) {
            return null;
        }
        try {
            Class<?> type = Class.forName("org.apache.felix.atomos.Atomos");
            return new AtomosSpike(type.getMethod("newAtomos", Map.class).invoke(null,
                    // its class path mode: the JDK stays the system bundle's, as without Atomos
                    Map.of("atomos..class", "org.apache.felix.atomos.impl.base.AtomosClassPath")));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Atomos: " + e, e);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    Framework newFramework(Map<String, Object> properties) {
        Map<String, Object> config = new HashMap<>(properties);
        config.put("atomos.content.install", "false");
        config.values().removeIf(value -> !(value instanceof String)); // Atomos reads every value as a string
        try {
            Framework framework = (Framework) atomos.getClass().getMethod("newFramework", Map.class)
                    .invoke(atomos, (Map) config);
            Object layer = atomos.getClass().getMethod("getBootLayer").invoke(atomos);
            for (Object content : (Set<?>) layer.getClass().getMethod("getAtomosContents").invoke(layer)) {
                Method location = content.getClass().getMethod("getAtomosLocation");
                location.setAccessible(true);
                contents.put(Path.of((String) location.invoke(content)).toAbsolutePath().normalize(), content);
            }
            return framework;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Atomos: " + e, e);
        }
    }

    /** @return the connect bundle of a jar on the class path, installed, or null when it is not there */
    Bundle install(Path jar) throws BundleException {
        Object content = contents.get(jar.toAbsolutePath().normalize());
        if (content == null) {
            return null;
        }
        try {
            Method install = content.getClass().getMethod("install", String.class);
            install.setAccessible(true);
            return (Bundle) install.invoke(content, "atomos");
        } catch (java.lang.reflect.InvocationTargetException e) {
            if (e.getCause() instanceof BundleException b) {
                throw b;
            }
            throw new IllegalStateException("Atomos: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Atomos: " + e, e);
        }
    }
}
