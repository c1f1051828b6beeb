package org.openpista.api.llm;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.osgi.annotation.bundle.Attribute;
import org.osgi.annotation.bundle.Capability;

/**
 * Declares a provider name that {@code [agent] provider} (and a runtime model change) may select:
 * a capability in the namespace {@value #NAMESPACE}, read from every installed bundle, started or
 * not, so a plugin's provider is selected by its name like a built-in one. By hand:
 *
 * <pre>
 * Provide-Capability: org.openpista.provider;name="echo";needs="nothing"
 * </pre>
 *
 * <p>When the provider is selected, the configuration bundle creates a factory configuration of
 * {@link #factoryPid()} (when given) named after the provider, with the properties {@value
 * LlmProvider#NAME} (the name, which DS passes on to the service), {@code preset} (the name too),
 * {@code base.url}, {@code model} and the private {@code .api.key}, plus the keys of {@code
 * [providers.<name>]} that the factory's metatype defines. The factory component registers the
 * {@link LlmProvider} service; a provider without {@link #factoryPid()} registers its service with
 * {@value LlmProvider#NAME} on its own.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.TYPE, ElementType.PACKAGE})
@Repeatable(ProviderPresets.class)
@Capability(namespace = ProviderPreset.NAMESPACE)
public @interface ProviderPreset {

    /** The capability namespace. */
    String NAMESPACE = "org.openpista.provider";
    /** Capability attribute: see {@link #value()}. */
    String NAME = "name";
    /** Capability attribute: see {@link #factoryPid()}. */
    String FACTORY_PID = "factory.pid";
    /** Capability attribute: see {@link #keyVariables()}. */
    String KEY_VARIABLES = "key.variables";
    /** Capability attribute: see {@link #login()}. */
    String LOGIN = "login";
    /** Capability attribute: see {@link #needs()}. */
    String NEEDS = "needs";
    /** Capability attribute: see {@link #description()}. */
    String DESCRIPTION = "description";

    /** {@link #needs()}: an API key, from the environment, the file or a stored login. */
    String NEEDS_KEY = "key";
    /** {@link #needs()}: an endpoint ({@code base_url} or a stored login with one); a key is optional. */
    String NEEDS_ENDPOINT = "endpoint";
    /** {@link #needs()}: a stored login ({@code openpista auth login}); there is no key variable. */
    String NEEDS_LOGIN = "login";
    /** {@link #needs()}: nothing, it works as it is (a local server). */
    String NEEDS_NOTHING = "nothing";

    /** @return the name {@code [agent] provider} selects, lower case, such as {@code openai} */
    @Attribute(NAME)
    String value();

    /** @return the factory PID configured for this provider, or empty when the bundle needs none */
    @Attribute(FACTORY_PID)
    String factoryPid() default "";

    /**
     * @return environment variables holding the provider's API key, in order of preference
     *     ({@code OPENPISTA_API_KEY} wins over all of them for every provider)
     */
    @Attribute(KEY_VARIABLES)
    String[] keyVariables() default {};

    /** @return the stored login ({@code credentials.toml}) used when no key is configured; empty: the name */
    @Attribute(LOGIN)
    String login() default "";

    /** @return what it needs to work: {@value #NEEDS_KEY}, {@value #NEEDS_ENDPOINT}, {@value #NEEDS_LOGIN} or {@value #NEEDS_NOTHING} */
    @Attribute(NEEDS)
    String needs() default NEEDS_KEY;

    /** @return one line for listings and the generated example configuration */
    @Attribute(DESCRIPTION)
    String description() default "";
}
