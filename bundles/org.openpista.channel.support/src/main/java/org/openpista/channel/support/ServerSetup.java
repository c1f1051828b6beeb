package org.openpista.channel.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.openpista.api.config.ConfigFileEditor;

/**
 * What {@code setup} of a channel that serves (the web chat, the mobile channel) shares: checks the
 * options, asks before replacing a token that is set (or needs {@code --yes} without a terminal),
 * and writes the channel's table of config.toml through the configuration bundle's editor (in place,
 * atomically, owner-only).
 */
public final class ServerSetup {

    /**
     * The options of {@code setup}, as given (null or false when not).
     *
     * @param token a token to require instead of the one set
     * @param regenerate whether to replace the token with a new random one
     * @param yes whether to replace a token without asking
     */
    public record Options(boolean enable, String bind, Integer port, String token, boolean regenerate, boolean yes) {}

    /**
     * The channel's side of it.
     *
     * @param section its table of config.toml ({@code channels.web})
     * @param tokenKey the key of its token in that table ({@code token}, {@code api_token})
     * @param minToken the fewest characters a token given with {@code --token} has
     * @param question what to ask before replacing a token ("Replace the existing web token? …")
     */
    public record Table(String section, String tokenKey, int minToken, String question) {}

    /**
     * What came of it.
     *
     * @param status {@link ChannelStart#OK}, or {@link ChannelStart#USAGE} after telling why on {@code err}
     * @param newToken the token written, null when the token stays as it was
     */
    public record Outcome(int status, String newToken) {}

    private ServerSetup() {}

    /**
     * @param tokenSet whether the channel requires a token now
     * @param newToken makes a random token
     * @param file the configuration file now, for "Nothing to change in …"
     * @param in where the answer to the question is read
     */
    public static Outcome save(Options options, Table table, boolean tokenSet, Supplier<String> newToken,
            ConfigFileEditor editor, Path file, InputStream in, PrintStream out, PrintStream err) throws IOException {
        if (options.port() != null && (options.port() < 0 || options.port() > 65535)) {
            err.println("openpista: --port must be between 0 and 65535");
            return new Outcome(ChannelStart.USAGE, null);
        }
        if (options.token() != null && options.token().strip().length() < table.minToken()) {
            err.println("openpista: --token must have at least " + table.minToken() + " characters");
            return new Outcome(ChannelStart.USAGE, null);
        }
        if (options.token() != null && options.regenerate()) {
            err.println("openpista: use either --token or --regenerate-token");
            return new Outcome(ChannelStart.USAGE, null);
        }
        String token = options.token() != null ? options.token().strip()
                : options.regenerate() || !tokenSet ? newToken.get() : null;
        if (token != null && tokenSet && !options.yes()) {
            if (System.console() == null) {
                err.println("openpista: a token is already set; pass --yes to replace it");
                return new Outcome(ChannelStart.USAGE, null);
            }
            err.print(table.question() + " [y/N] ");
            err.flush();
            String answer = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
            if (answer == null || !answer.strip().toLowerCase(Locale.ROOT).startsWith("y")) {
                err.println("Left the token as it was.");
                token = null;
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        if (options.enable()) {
            values.put("enabled", true);
        }
        if (options.bind() != null) {
            values.put("bind", options.bind().strip());
        }
        if (options.port() != null) {
            values.put("port", options.port());
        }
        if (token != null) {
            values.put(table.tokenKey(), token);
        }
        if (values.isEmpty()) {
            out.println("Nothing to change in " + file);
        } else {
            out.println("Saved [" + table.section() + "] in " + editor.set(table.section(), values));
        }
        return new Outcome(ChannelStart.OK, token);
    }
}
