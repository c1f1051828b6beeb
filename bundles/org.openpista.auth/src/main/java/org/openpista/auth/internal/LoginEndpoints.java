package org.openpista.auth.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The keys of one {@code [auth.<login>]} table: where a login's vendor endpoints are, when not the
 * vendor's own (a proxy, a test server). Each key {@code k} of {@code [auth.openai]} reaches {@link
 * AuthComponent} as the property {@code openai.k}; see {@link Endpoints} for the defaults.
 */
@ObjectClassDefinition(id = LoginEndpoints.FACTORY_PID, factoryPid = LoginEndpoints.FACTORY_PID, name = "Login endpoints",
        description = "Where one login's vendor endpoints are; empty: the vendor's own.")
@interface LoginEndpoints {

    /** The factory PID the configuration bundle reads a sub-table's keys from ({@code <pid>.table}). */
    String FACTORY_PID = AuthComponent.PID + ".table";

    @AttributeDefinition(name = "Authorize URL", description = "The OAuth authorization page the browser opens.")
    String authorize_url() default "";

    @AttributeDefinition(name = "Token URL", description = "The OAuth token endpoint.")
    String token_url() default "";

    @AttributeDefinition(name = "Device URL", description = "The device-code endpoint (GitHub Copilot).")
    String device_url() default "";

    @AttributeDefinition(name = "Key URL", description = "Where a login is exchanged for an API key (OpenAI, OpenRouter).")
    String key_url() default "";

    @AttributeDefinition(name = "Copilot token URL", description = "Where a GitHub token is exchanged for Copilot tokens.")
    String copilot_token_url() default "";

    @AttributeDefinition(name = "Client id", description = "The OAuth client id.")
    String client_id() default "";

    @AttributeDefinition(name = "Scope", description = "The OAuth scopes asked for.")
    String scope() default "";

    @AttributeDefinition(name = "Redirect URI", description = "The redirect URI registered with the vendor.")
    String redirect_uri() default "";

    @AttributeDefinition(name = "Callback port", description = "The loopback port of the browser callback; 0: any free "
            + "port (only where the vendor accepts it).", min = "0", max = "65535")
    int callback_port() default 0;

    @AttributeDefinition(name = "API URL", description = "The API the login is used with (the ChatGPT backend for "
            + "OpenAI subscriptions).")
    String api_url() default "";
}
