package org.openpista.core.internal;

import java.lang.reflect.Proxy;

/** The agent's DS configuration, built the way DS builds it: defaults plus the provider name. */
final class BenchConfig {

    private BenchConfig() {}

    static AgentConfig agent(String provider) {
        return (AgentConfig) Proxy.newProxyInstance(AgentConfig.class.getClassLoader(),
                new Class<?>[] {AgentConfig.class}, (self, method, args) -> {
                    if (method.getName().equals("provider")) {
                        return provider;
                    }
                    if (method.getName().equals("annotationType")) {
                        return AgentConfig.class;
                    }
                    return method.getDefaultValue();
                });
    }
}
