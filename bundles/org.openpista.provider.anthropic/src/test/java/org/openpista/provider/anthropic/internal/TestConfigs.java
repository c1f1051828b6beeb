package org.openpista.provider.anthropic.internal;

import java.lang.reflect.Proxy;
import java.util.Map;

/** Builds component configurations the way DS would, from values keyed by OCD method name. */
final class TestConfigs {

    private TestConfigs() {}

    /** @return a configuration with these values and the annotation's defaults for the rest */
    static AnthropicProviderComponent.Config config(Map<String, Object> values) {
        return (AnthropicProviderComponent.Config) Proxy.newProxyInstance(
                TestConfigs.class.getClassLoader(),
                new Class<?>[] {AnthropicProviderComponent.Config.class},
                (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return switch (method.getName()) {
                            case "equals" -> proxy == args[0];
                            case "hashCode" -> System.identityHashCode(proxy);
                            default -> "Config" + values;
                        };
                    }
                    if (method.getName().equals("annotationType")) {
                        return AnthropicProviderComponent.Config.class;
                    }
                    return values.containsKey(method.getName()) ? values.get(method.getName()) : method.getDefaultValue();
                });
    }
}
