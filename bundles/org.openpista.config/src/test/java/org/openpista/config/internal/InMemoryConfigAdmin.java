package org.openpista.config.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * A hand-written in-memory Configuration Admin: a test double of the OSGi service, with the
 * behaviour {@link ConfigAdminSink} relies on (named factory configurations with PID
 * {@code factoryPid~name}, properties {@code null} until the first update, {@code updateIfDifferent}
 * comparing arrays by content, a change count, {@code listConfigurations} leaving out configurations
 * never updated). The real one is exercised by the OSGi integration tests.
 */
final class InMemoryConfigAdmin implements ConfigurationAdmin {

    final Map<String, Config> configurations = new LinkedHashMap<>();

    @Override
    public Configuration createFactoryConfiguration(String factoryPid) {
        throw new UnsupportedOperationException("unnamed factory configurations are not used");
    }

    @Override
    public Configuration createFactoryConfiguration(String factoryPid, String location) {
        throw new UnsupportedOperationException("unnamed factory configurations are not used");
    }

    @Override
    public Configuration getConfiguration(String pid, String location) {
        return configurations.computeIfAbsent(pid, absent -> new Config(pid, null, location));
    }

    @Override
    public Configuration getConfiguration(String pid) {
        return getConfiguration(pid, null);
    }

    @Override
    public Configuration getFactoryConfiguration(String factoryPid, String name, String location) {
        String pid = factoryPid + "~" + name;
        return configurations.computeIfAbsent(pid, absent -> new Config(pid, factoryPid, location));
    }

    @Override
    public Configuration getFactoryConfiguration(String factoryPid, String name) {
        return getFactoryConfiguration(factoryPid, name, null);
    }

    @Override
    public Configuration[] listConfigurations(String filter) {
        if (filter != null) {
            throw new UnsupportedOperationException("filters are not implemented in this double");
        }
        List<Configuration> listed = new ArrayList<>();
        configurations.values().stream().filter(config -> config.properties != null).forEach(listed::add);
        return listed.isEmpty() ? null : listed.toArray(new Configuration[0]);
    }

    /** @return the stored properties of a PID without the ones Configuration Admin adds, or null */
    Map<String, Object> properties(String pid) {
        Config config = configurations.get(pid);
        return config == null || config.properties == null ? null : config.own();
    }

    final class Config implements Configuration {
        final String pid;
        final String factoryPid;
        String location;
        Hashtable<String, Object> properties;
        long changeCount;

        Config(String pid, String factoryPid, String location) {
            this.pid = pid;
            this.factoryPid = factoryPid;
            this.location = location;
        }

        @Override
        public String getPid() {
            return pid;
        }

        @Override
        public Dictionary<String, Object> getProperties() {
            return properties == null ? null : new Hashtable<>(properties);
        }

        @Override
        public Dictionary<String, Object> getProcessedProperties(ServiceReference<?> reference) {
            return getProperties();
        }

        @Override
        public void update(Dictionary<String, ?> update) {
            Hashtable<String, Object> stored = new Hashtable<>();
            for (Enumeration<String> keys = update.keys(); keys.hasMoreElements(); ) {
                String key = keys.nextElement();
                stored.put(key, update.get(key));
            }
            stored.put("service.pid", pid);
            if (factoryPid != null) {
                stored.put("service.factoryPid", factoryPid);
            }
            properties = stored;
            changeCount++;
        }

        @Override
        public boolean updateIfDifferent(Dictionary<String, ?> update) {
            Map<String, Object> wanted = new LinkedHashMap<>();
            for (Enumeration<String> keys = update.keys(); keys.hasMoreElements(); ) {
                String key = keys.nextElement();
                wanted.put(key, update.get(key));
            }
            if (properties != null && sameContent(own(), wanted)) {
                return false;
            }
            update(update);
            return true;
        }

        Map<String, Object> own() {
            Map<String, Object> own = new LinkedHashMap<>(properties);
            own.remove("service.pid");
            own.remove("service.factoryPid");
            return own;
        }

        @Override
        public void delete() {
            configurations.remove(pid);
        }

        @Override
        public String getFactoryPid() {
            return factoryPid;
        }

        @Override
        public void update() {
            changeCount++;
        }

        @Override
        public void setBundleLocation(String location) {
            this.location = location;
        }

        @Override
        public String getBundleLocation() {
            return location;
        }

        @Override
        public long getChangeCount() {
            return changeCount;
        }

        @Override
        public void addAttributes(ConfigurationAttribute... attrs) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Set<ConfigurationAttribute> getAttributes() {
            return Collections.emptySet();
        }

        @Override
        public void removeAttributes(ConfigurationAttribute... attrs) {
            throw new UnsupportedOperationException();
        }
    }

    private static boolean sameContent(Map<String, Object> a, Map<String, Object> b) {
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        for (Map.Entry<String, Object> entry : a.entrySet()) {
            Object other = b.get(entry.getKey());
            boolean same = entry.getValue() instanceof Object[] && other instanceof Object[]
                    ? Arrays.deepEquals((Object[]) entry.getValue(), (Object[]) other)
                    : Objects.equals(entry.getValue(), other);
            if (!same) {
                return false;
            }
        }
        return true;
    }
}
