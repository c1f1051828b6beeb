package org.openpista.auth.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.List;
import org.openpista.api.auth.AuthMode;
import org.openpista.api.auth.AuthService;
import org.openpista.api.auth.ProviderAuthStatus;
import org.openpista.api.command.CliCommand;
import org.openpista.api.config.ConfigException;
import org.openpista.api.config.ConfigurationLoader;
import org.openpista.api.llm.LlmProvider;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ServiceScope;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code openpista auth login|status|logout}: provider logins on the command line, through the
 * {@link AuthService} of this bundle. What a provider needs and which environment variables hold
 * its key is read from the installed bundles' provider declarations, so a plugin's provider is
 * listed and can store a key like a built-in one.
 */
@Component(service = CliCommand.class, property = CliCommand.NAME + "=auth", scope = ServiceScope.PROTOTYPE)
@Command(name = "auth", mixinStandardHelpOptions = true,
        description = {"Provider logins: log in, see where credentials come from, log out.",
            "",
            "A login is OAuth in the browser (OpenAI, Anthropic, OpenRouter), a device code (GitHub Copilot) or an API key. "
                    + "Logins are kept in HOME/credentials.toml (mode 600); a provider uses its login when neither the "
                    + "environment nor config.toml gives it a key."},
        subcommands = {LoginCommand.class, StatusCommand.class, LogoutCommand.class})
public final class AuthCommand implements CliCommand, Runnable {

    /** Exit statuses of the command line. */
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    private static final String API_KEY = ".api.key";

    final BundleContext context;
    final AuthService auth;
    final ConfigurationLoader loader;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL)
    ConfigurationAdmin configurationAdmin;

    @Spec
    CommandSpec spec;

    @Activate
    public AuthCommand(BundleContext context, @Reference AuthService auth, @Reference ConfigurationLoader loader) {
        this.context = context;
        this.auth = auth;
        this.loader = loader;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** @return the credentials file */
    Path credentials() {
        return loader.home().resolve("credentials.toml");
    }

    /** @return the providers the installed bundles declare now */
    List<DeclaredProviders.Provider> declared() {
        return DeclaredProviders.installed(context);
    }

    /** @return the provider {@code config.toml} selects, empty when the configuration could not be loaded */
    String selectedProvider() {
        try {
            return loader.report().provider();
        } catch (ConfigException e) {
            return "";
        }
    }

    /** @return where the working credential of each login comes from, as things are now */
    WorkingCredentials workingCredentials() {
        String selected = selectedProvider();
        // the variables the launcher handed over, as the configuration bundle reads them
        return new WorkingCredentials(name -> ConfigurationLoader.getenv(context, name), declared(), selected,
                keyConfigured(selected));
    }

    /**
     * @return whether the configuration of a provider holds a key (from {@code config.toml} or the
     *     environment): its factory configuration, made by the configuration bundle, has {@value #API_KEY}
     */
    boolean keyConfigured(String provider) {
        ConfigurationAdmin admin = configurationAdmin;
        if (admin == null || provider.isEmpty()) {
            return false;
        }
        try {
            Configuration[] found = admin.listConfigurations("(" + LlmProvider.NAME + "=" + escape(provider) + ")");
            for (Configuration configuration : found == null ? new Configuration[0] : found) {
                Dictionary<String, Object> properties = configuration.getProperties();
                Object key = properties == null ? null : properties.get(API_KEY);
                if (key != null && !key.toString().isBlank()) {
                    return true;
                }
            }
        } catch (IOException | InvalidSyntaxException e) {
            return false;
        }
        return false;
    }

    /** @return how a provider logs in, for the picker: the flow its login uses, not just that it is OAuth */
    static String how(ProviderAuthStatus status) {
        Catalog.OAuthKind kind = Catalog.find(status.name()).map(Catalog.Entry::oauth).orElse(Catalog.OAuthKind.NONE);
        return switch (status.authMode()) {
            case OAUTH -> kind == Catalog.OAuthKind.GITHUB_DEVICE ? "device code" : "browser login or key";
            case API_KEY -> "API key";
            case ENDPOINT_AND_KEY -> "endpoint and key";
            case NONE -> "no login";
        };
    }

    /** @return the provider of a name as the user may type it ({@code claude}, {@code copilot}, …), or {@code null} */
    static ProviderAuthStatus find(List<ProviderAuthStatus> providers, String name) {
        String wanted = Catalog.canonical(name);
        return providers.stream().filter(status -> status.name().equals(wanted)).findFirst().orElse(null);
    }

    /** @return whether a provider takes a key rather than an OAuth login */
    static boolean takesKey(ProviderAuthStatus status) {
        return status.authMode() != AuthMode.OAUTH;
    }

    private static String escape(String value) {
        return value.replace("\\", "\\5c").replace("*", "\\2a").replace("(", "\\28").replace(")", "\\29");
    }
}
