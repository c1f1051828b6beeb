package org.openpista.tool.screen.internal;

import java.lang.reflect.Proxy;
import java.util.Map;

/** {@link ScreenConfig} instances for tests: the declared defaults, with some values replaced. */
final class Configs {

    private Configs() {}

    /** @param values method name to value, for example {@code "languages" -> new String[] {"eng"}} */
    static ScreenConfig screen(Map<String, Object> values) {
        return (ScreenConfig) Proxy.newProxyInstance(ScreenConfig.class.getClassLoader(),
                new Class<?>[] {ScreenConfig.class}, (proxy, method, arguments) -> switch (method.getName()) {
                    case "annotationType" -> ScreenConfig.class;
                    case "toString" -> "ScreenConfig" + values;
                    case "hashCode" -> values.hashCode();
                    case "equals" -> proxy == arguments[0];
                    default -> values.containsKey(method.getName()) ? values.get(method.getName())
                            : method.getDefaultValue();
                });
    }

    static ScreenConfig defaults() {
        return screen(Map.of());
    }
}
