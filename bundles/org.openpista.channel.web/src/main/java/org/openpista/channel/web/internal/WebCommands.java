package org.openpista.channel.web.internal;

import java.time.Duration;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.felix.service.command.Descriptor;
import org.openpista.api.channel.ChannelAdapter;
import org.openpista.channel.support.FrameFields;
import org.openpista.channel.support.Lockout;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The admin shell command {@code openpista:web}: the web chat's state and its login lockouts, and
 * {@code openpista:web unlock}, the owner's way back in when strangers (or a local process) locked
 * the logins: it lifts every lock and forgets every failure. {@code openpista web unlock} on the
 * command line runs it in the daemon through the admin socket.
 */
@Component(service = WebCommands.class, property = {"osgi.command.scope=openpista", "osgi.command.function=web"})
public final class WebCommands {

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile WebChat chat;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = "(" + ChannelAdapter.CHANNEL + "=" + ChatHub.CHANNEL + ")")
    volatile ChannelAdapter channel;

    /** @return the state and the lockouts */
    @Descriptor("show the web chat's state and its login lockouts")
    public String web() {
        StringBuilder text = new StringBuilder("web chat: ").append(channelStatus()).append('\n');
        WebChat serving = chat;
        if (serving != null) {
            Lockout.State state = serving.authenticator().lockout().state();
            text.append("lockouts: ").append(state.locked().isEmpty() ? "none" : state.locked().stream()
                    .map(locked -> locked.source() + " for " + time(locked.left())).collect(Collectors.joining(", ")))
                    .append('\n');
            text.append("failed logins in the last ").append(time(Lockout.GLOBAL_WINDOW)).append(": ")
                    .append(state.recentFailures());
            if (!state.globalDelay().isZero()) {
                text.append(" (too many: addresses that have not logged in lately wait ").append(time(state.globalDelay()))
                        .append(')');
            }
            text.append('\n');
        }
        return text.toString();
    }

    /** {@code status} or {@code unlock}. */
    @Descriptor("show the web chat (status), or lift every login lockout and forget failed logins (unlock)")
    public String web(@Descriptor("status | unlock") String action) {
        switch (action.toLowerCase(Locale.ROOT)) {
            case "status" -> {
                return web();
            }
            case "unlock" -> {
                return unlock();
            }
            default -> throw new IllegalArgumentException("unknown action \"" + FrameFields.clip(action)
                    + "\"; use: openpista:web [status | unlock]");
        }
    }

    private String unlock() {
        WebChat serving = chat;
        if (serving == null) {
            throw new IllegalStateException("the web chat does not serve in this daemon (" + channelStatus()
                    + "); nothing is locked");
        }
        Lockout.State lifted = serving.authenticator().lockout().clear();
        StringBuilder text = new StringBuilder();
        if (lifted.locked().isEmpty() && lifted.globalDelay().isZero()) {
            text.append("No login was locked");
        } else {
            text.append("Lifted the lockout of ").append(lifted.locked().isEmpty() ? "no address" : lifted.locked().stream()
                    .map(Lockout.Locked::source).collect(Collectors.joining(", ")));
            if (!lifted.globalDelay().isZero()) {
                text.append(" and the delay for every address");
            }
        }
        return text.append("; forgot ").append(lifted.recentFailures()).append(" failed login")
                .append(lifted.recentFailures() == 1 ? "" : "s").append(".\n").toString();
    }

    private String channelStatus() {
        ChannelAdapter adapter = channel;
        try {
            return adapter == null ? "not running" : adapter.status();
        } catch (RuntimeException e) {
            return "not running";
        }
    }

    /** @return a duration for people: {@code 25 s}, {@code 4 min}, {@code 10 min} */
    static String time(Duration duration) {
        long seconds = Math.max(1, (duration.toMillis() + 999) / 1000);
        return seconds < 120 ? seconds + " s" : (seconds + 59) / 60 + " min";
    }
}
