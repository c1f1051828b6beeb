package org.openpista.core.internal;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;

/** A service reference with properties and the framework's ordering, for registry tests. */
final class FakeServiceReference<S> implements ServiceReference<S> {

    private static final AtomicLong IDS = new AtomicLong();

    private final Map<String, Object> properties;
    private final Bundle bundle;

    FakeServiceReference(Map<String, Object> properties) {
        this(properties, null);
    }

    FakeServiceReference(Map<String, Object> properties, Bundle bundle) {
        this.bundle = bundle;
        this.properties = new java.util.HashMap<>(properties);
        this.properties.putIfAbsent(Constants.SERVICE_ID, IDS.incrementAndGet());
        this.properties.putIfAbsent(Constants.SERVICE_RANKING, 0);
    }

    /** Modifies a property, as a service registration's {@code setProperties} does. */
    void set(String key, Object value) {
        properties.put(key, value);
    }

    @Override
    public Object getProperty(String key) {
        return properties.get(key);
    }

    @Override
    public String[] getPropertyKeys() {
        return properties.keySet().toArray(new String[0]);
    }

    @Override
    public Bundle getBundle() {
        return bundle;
    }

    @Override
    public Bundle[] getUsingBundles() {
        return null;
    }

    @Override
    public boolean isAssignableTo(Bundle bundle, String className) {
        return true;
    }

    @Override
    public int compareTo(Object other) {
        FakeServiceReference<?> that = (FakeServiceReference<?>) other;
        int ranking = Integer.compare((Integer) getProperty(Constants.SERVICE_RANKING),
                (Integer) that.getProperty(Constants.SERVICE_RANKING));
        if (ranking != 0) {
            return ranking;
        }
        // the framework ranks the older service (lower id) higher
        return Long.compare((Long) that.getProperty(Constants.SERVICE_ID), (Long) getProperty(Constants.SERVICE_ID));
    }

    @Override
    public Dictionary<String, Object> getProperties() {
        return new Hashtable<>(properties);
    }

    @Override
    public <A> A adapt(Class<A> type) {
        return null;
    }
}
