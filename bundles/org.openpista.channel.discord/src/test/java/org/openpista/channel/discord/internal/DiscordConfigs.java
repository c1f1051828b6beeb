package org.openpista.channel.discord.internal;

import java.lang.annotation.Annotation;

/** {@code [channels.discord]} as the tests write it. */
final class DiscordConfigs {

    /** A token whose first part is the fake's bot id, as Discord's are. */
    static final String TOKEN = "MTEwMDAwMDAwMDAwMDAwMDAwMQ.Gabcde.unit-test-secret-part-xyz";

    private DiscordConfigs() {}

    static DiscordChannel.Config config(String token, String apiUrl, String gatewayUrl, String[] users, String[] guilds) {
        return new DiscordChannel.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return DiscordChannel.Config.class;
            }

            @Override
            public boolean enabled() {
                return true;
            }

            @Override
            public String _token() {
                return token;
            }

            @Override
            public String[] allowed_users() {
                return users;
            }

            @Override
            public String[] allowed_guilds() {
                return guilds;
            }

            @Override
            public String api_url() {
                return apiUrl;
            }

            @Override
            public String gateway_url() {
                return gatewayUrl;
            }
        };
    }
}
