package org.openpista.core.internal;

import java.lang.reflect.Proxy;
import java.util.Map;

/** Builds component configuration annotations the way DS does: given values, else the defaults. */
final class Configs {

    private Configs() {}

    static <A> A of(Class<A> type, Map<String, Object> values) {
        Object proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (self, method, args) -> {
            if (method.getName().equals("annotationType")) {
                return type;
            }
            if (values.containsKey(method.getName())) {
                return values.get(method.getName());
            }
            Object fallback = method.getDefaultValue();
            if (fallback == null) {
                throw new IllegalStateException("no value for " + method.getName());
            }
            return fallback;
        });
        return type.cast(proxy);
    }
}
