package org.openpista.core.internal;

import java.lang.reflect.Proxy;

/** The agent's DS configuration, built the way DS builds it: defaults plus the provider name. */
final class BenchConfig {

    private BenchConfig() {}

    static AgentRuntime.Config agent(String provider) {
        return (AgentRuntime.Config) Proxy.newProxyInstance(AgentRuntime.Config.class.getClassLoader(),
                new Class<?>[] {AgentRuntime.Config.class}, (self, method, args) -> {
                    if (method.getName().equals("provider")) {
                        return provider;
                    }
                    if (method.getName().equals("annotationType")) {
                        return AgentRuntime.Config.class;
                    }
                    return method.getDefaultValue();
                });
    }
}
