package org.openpista.provider.openai.internal;

import java.lang.reflect.Proxy;
import java.util.Map;

/** Builds component configurations the way DS does: given values, the annotation's defaults for the rest. */
final class Configs {

    private Configs() {}

    /** @param values by OCD method name, for example {@code base_url} or {@code _api_key} */
    static OpenAiProviderComponent.Config config(Map<String, Object> values) {
        return (OpenAiProviderComponent.Config) Proxy.newProxyInstance(
                Configs.class.getClassLoader(),
                new Class<?>[] {OpenAiProviderComponent.Config.class},
                (proxy, method, args) -> {
                    if (values.containsKey(method.getName())) {
                        return values.get(method.getName());
                    }
                    if (method.getDefaultValue() != null) {
                        return method.getDefaultValue();
                    }
                    if (method.getName().equals("annotationType")) {
                        return OpenAiProviderComponent.Config.class;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
