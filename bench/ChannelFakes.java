import java.util.concurrent.CountDownLatch;
import org.openpista.testkit.FakeDiscordServer;
import org.openpista.testkit.FakeSlackServer;
import org.openpista.testkit.FakeTelegramServer;

/**
 * The chat services the idle-memory benchmark points the daemon's channels at: the testkit's fake
 * Telegram Bot API (long polling), Slack (Web API and Socket Mode) and Discord (REST and gateway),
 * so every channel holds the connections it holds in real use. Prints one {@code NAME URL} line per
 * address, then {@code ready}, and runs until killed.
 *
 * <p>java -cp TESTKIT_JAR:JACKSON_JARS bench/ChannelFakes.java TELEGRAM_TOKEN SLACK_BOT SLACK_APP SLACK_SECRET DISCORD_TOKEN
 */
public final class ChannelFakes {

    private ChannelFakes() {}

    public static void main(String[] args) throws InterruptedException {
        FakeTelegramServer telegram = new FakeTelegramServer(args[0]);
        FakeSlackServer slack = new FakeSlackServer(args[1], args[2], args[3]);
        FakeDiscordServer discord = new FakeDiscordServer(args[4]);
        System.out.println("telegram " + telegram.apiUrl());
        System.out.println("slack " + slack.apiUrl());
        System.out.println("discord-api " + discord.apiUrl());
        System.out.println("discord-gateway " + discord.gatewayUrl());
        System.out.println("ready");
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
