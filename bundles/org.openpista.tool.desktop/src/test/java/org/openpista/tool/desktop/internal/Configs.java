package org.openpista.tool.desktop.internal;

import java.lang.reflect.Proxy;
import java.util.Map;

/** {@link DesktopConfig} instances for tests: the declared defaults, with some values replaced. */
final class Configs {

    private Configs() {}

    /** @param values method name to value, for example {@code "app_name" -> "test"} */
    static DesktopConfig desktop(Map<String, Object> values) {
        return (DesktopConfig) Proxy.newProxyInstance(DesktopConfig.class.getClassLoader(),
                new Class<?>[] {DesktopConfig.class}, (proxy, method, arguments) -> switch (method.getName()) {
                    case "annotationType" -> DesktopConfig.class;
                    case "toString" -> "DesktopConfig" + values;
                    case "hashCode" -> values.hashCode();
                    case "equals" -> proxy == arguments[0];
                    default -> values.containsKey(method.getName()) ? values.get(method.getName())
                            : method.getDefaultValue();
                });
    }

    static DesktopConfig defaults() {
        return desktop(Map.of());
    }
}
