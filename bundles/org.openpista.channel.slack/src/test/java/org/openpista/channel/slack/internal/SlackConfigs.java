package org.openpista.channel.slack.internal;

import java.lang.annotation.Annotation;

/** {@code [channels.slack]} as the tests write it. */
final class SlackConfigs {

    static final String BOT_TOKEN = "xoxb-1111-2222-unit-test-bot";
    static final String APP_TOKEN = "xapp-1-A0FAKEAPP-3333-unit-test-app";
    static final String SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";

    private SlackConfigs() {}

    static SlackChannel.Config config(String mode, String apiUrl, String[] users, String[] channels) {
        return config(mode, BOT_TOKEN, APP_TOKEN, apiUrl, users, channels);
    }

    static SlackChannel.Config config(String mode, String botToken, String appToken, String apiUrl, String[] users,
            String[] channels) {
        return new SlackChannel.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return SlackChannel.Config.class;
            }

            @Override
            public boolean enabled() {
                return true;
            }

            @Override
            public String mode() {
                return mode;
            }

            @Override
            public String _bot_token() {
                return botToken;
            }

            @Override
            public String _app_token() {
                return appToken;
            }

            @Override
            public String _signing_secret() {
                return SIGNING_SECRET;
            }

            @Override
            public String[] allowed_users() {
                return users;
            }

            @Override
            public String[] allowed_channels() {
                return channels;
            }

            @Override
            public String api_url() {
                return apiUrl;
            }
        };
    }
}
